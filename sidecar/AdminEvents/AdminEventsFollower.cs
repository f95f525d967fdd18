using ByokGateway.Auth;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using Microsoft.Extensions.Options;

namespace ByokGateway.AdminEvents;

/// <summary>
/// Reads the realm's admin events every <see cref="AdminEventsOptions.PollInterval"/> and acts on the changes an
/// administrator made in Keycloak itself: a user event (<c>users/{id}…</c>: tier or attributes edited, disabled,
/// deleted, password reset) drops that user's cached record, a component event (<c>components/{id}</c>, which is
/// what adding, disabling or deleting a key provider records) re-reads the JWKS.
/// </summary>
/// <remarks>
/// Each replica follows the events itself; the invalidation also travels the Redis backplane when there is one,
/// which is harmless (removing an entry twice). Reads overlap by <see cref="AdminEventsOptions.Lookback"/> and are
/// de-duplicated by event id, so events stored late or with equal timestamps are seen exactly once. The position
/// starts at the newest stored event, in Keycloak's own clock, so the sidecar's clock never matters.
/// </remarks>
public sealed partial class AdminEventsFollower(
    IServiceProvider services,
    KeyStore keys,
    JwksConfigurationManager signingKeys,
    IOptions<AdminEventsOptions> options,
    IOptions<CacheOptions> cache,
    IOptions<KeycloakOptions> keycloak,
    TimeProvider time,
    ILogger<AdminEventsFollower> logger) : BackgroundService
{
    private const int PageSize = 100;
    private const int MaxPagesPerPoll = 20;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RefusedRetry = TimeSpan.FromMinutes(5);

    // Event id → time, for the events inside the look-back window.
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long? _position;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogFollowingOff(logger, cache.Value.Duration);
            return;
        }

        var backoff = settings.PollInterval;
        var failing = false;
        var configChecked = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = settings.PollInterval;
            try
            {
                if (!configChecked)
                {
                    await CheckRealmConfigurationAsync(stoppingToken);
                    configChecked = true;
                }

                await PollAsync(stoppingToken);
                if (failing)
                {
                    LogRecovered(logger);
                    failing = false;
                }

                backoff = settings.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host stops, also when it failed to start (then it never calls StopAsync, and a
                // cancellation escaping here would be logged as a crash of the follower).
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host's services are gone: a failed start disposes them while this may still
                // be in its first request (seen as a crash with a stack trace on a start that only
                // had to print what is wrong with the configuration).
                return;
            }
            catch (KeycloakUnavailableException e)
            {
                if (!failing)
                {
                    LogUnavailable(logger, e.Message, cache.Value.Duration);
                    failing = true;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                delay = backoff;
            }
            catch (KeycloakRequestException e)
            {
                // 403 without view-events; 400 from a Keycloak older than 26.2, which takes dates only.
                LogRefused(logger, keycloak.Value.Realm, e.Message, cache.Value.Duration);
                failing = true;
                delay = RefusedRetry;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Says once, at start-up, when the realm does not store admin events (then there is nothing to follow).</summary>
    private async Task CheckRealmConfigurationAsync(CancellationToken cancellationToken)
    {
        var config = await Client().GetEventsConfigAsync(cancellationToken);
        if (config["adminEventsEnabled"]?.GetValue<bool>() != true)
        {
            LogRealmStoresNoEvents(logger, keycloak.Value.Realm, cache.Value.Duration);
        }
        else
        {
            LogFollowing(logger, keycloak.Value.Realm, options.Value.PollInterval);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var client = Client();
        if (_position is null)
        {
            // Older events concern records nobody has cached yet.
            _position = (await client.GetNewestAdminEventAsync(cancellationToken))?.Time ?? 0;
            return;
        }

        var lookback = (long)options.Value.Lookback.TotalMilliseconds;
        var from = Math.Max(0, _position.Value - lookback);
        var newest = _position.Value;
        var keysChanged = false;
        for (var page = 0; page < MaxPagesPerPoll; page++)
        {
            var events = await client.GetAdminEventsAsync(from, page * PageSize, PageSize, cancellationToken);
            foreach (var adminEvent in events)
            {
                newest = Math.Max(newest, adminEvent.Time);
                if (_seen.TryAdd(adminEvent.Id ?? $"{adminEvent.Time}|{adminEvent.OperationType}|{adminEvent.ResourcePath}", adminEvent.Time))
                {
                    keysChanged |= await HandleAsync(adminEvent);
                }
            }

            if (events.Count < PageSize)
            {
                break;
            }
        }

        _position = newest;
        foreach (var (id, at) in _seen.Where(e => e.Value < newest - lookback).ToList())
        {
            _seen.Remove(id);
        }

        if (keysChanged)
        {
            // A new, disabled or deleted key provider: read the keys now rather than on the next unknown kid,
            // and so that a removed key stops validating at once.
            signingKeys.RequestRefresh();
        }
    }

    /// <summary>Drops the cached record of the user an event names; true for a component (key provider) event.</summary>
    private async Task<bool> HandleAsync(KeycloakAdminEvent adminEvent)
    {
        var segments = (adminEvent.ResourcePath ?? "").Split('/');
        switch (adminEvent.ResourceType)
        {
            case "USER" when segments is ["users", { Length: > 0 } userId, ..] && userId is not ("profile" or "count"):
                LogUserChanged(logger, userId, adminEvent.OperationType ?? "?");
                await keys.InvalidateAsync(userId);
                return false;
            case "COMPONENT":
                LogComponentChanged(logger, adminEvent.ResourcePath ?? "?", adminEvent.OperationType ?? "?");
                return true;
            default:
                return false;
        }
    }

    // A typed client per poll, so its HttpClient follows the factory's handler rotation.
    private KeycloakAdminClient Client() => services.GetRequiredService<KeycloakAdminClient>();

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Following the admin events of realm {Realm} every {PollInterval}: changes made in Keycloak reach the gateway within seconds")]
    private static partial void LogFollowing(ILogger logger, string realm, TimeSpan pollInterval);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Realm {Realm} does not store admin events: tier changes, disabled or deleted users and key changes made in Keycloak reach the gateway only after Cache:Duration ({CacheDuration}). Turn on 'Save events' under Realm settings > Events > Admin events settings")]
    private static partial void LogRealmStoresNoEvents(ILogger logger, string realm, TimeSpan cacheDuration);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "AdminEvents:Enabled is false: changes made in Keycloak reach the gateway only after Cache:Duration ({CacheDuration})")]
    private static partial void LogFollowingOff(ILogger logger, TimeSpan cacheDuration);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Error, Message = "Cannot follow the admin events of realm {Realm} ({Reason}); changes made in Keycloak reach the gateway only after Cache:Duration ({CacheDuration}). Retrying in 5 minutes")]
    private static partial void LogRefused(ILogger logger, string realm, string reason, TimeSpan cacheDuration);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Admin events cannot be read ({Reason}); retrying with back-off. Cached records serve at most Cache:Duration ({CacheDuration}) meanwhile")]
    private static partial void LogUnavailable(ILogger logger, string reason, TimeSpan cacheDuration);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Admin events are read again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Debug, Message = "Admin event {Operation} on user {UserId}: cached record dropped")]
    private static partial void LogUserChanged(ILogger logger, string userId, string operation);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Information, Message = "Admin event {Operation} on {ResourcePath}: re-reading the realm's signing keys")]
    private static partial void LogComponentChanged(ILogger logger, string resourcePath, string operation);
}
