using ByokGateway.Keycloak;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ByokGateway.Auth;

/// <summary>
/// The realm's discovery document and signing keys (JWKS) for token validation. Replaces JwtBearer's own
/// configuration manager, which re-reads the JWKS on an unknown <c>kid</c> at most once per 5 minutes: one forged
/// <c>kid</c> spent that refresh, and after a real key rotation every fresh token got 401 for minutes.
/// </summary>
/// <remarks>
/// Reads happen one at a time on a background loop, at most one per <see cref="AuthOptions.JwksRefreshInterval"/>.
/// Every request for a refresh is answered by a read that starts after it (so a read already running when a key
/// changed cannot hide the change), and any number of requests made meanwhile share that one read: a flood of
/// forged <c>kid</c>s costs Keycloak one JWKS read per interval, and a real new key is known within the interval.
/// Not derived from <c>BaseConfigurationManager</c> on purpose: the token handler then validates with exactly the
/// keys read last, without "last known good" configurations that would keep a removed key valid for an hour.
/// </remarks>
public sealed partial class JwksConfigurationManager : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private readonly string _metadataAddress;
    private readonly bool _requireHttps;
    private readonly IHttpClientFactory _http;
    private readonly TokenValidationCache _validatedTokens;
    private readonly TimeProvider _time;
    private readonly ILogger<JwksConfigurationManager> _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _maxAge;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private volatile Snapshot? _current;
    private TaskCompletionSource? _next;

    public JwksConfigurationManager(
        IOptions<KeycloakOptions> keycloak,
        IOptions<AuthOptions> auth,
        IHttpClientFactory http,
        TokenValidationCache validatedTokens,
        TimeProvider time,
        ILogger<JwksConfigurationManager> logger)
    {
        var realm = keycloak.Value;
        _metadataAddress = new Uri(realm.BaseUrl, KeycloakRoutes.Discovery(realm.Realm)).ToString();
        _requireHttps = realm.BaseUrl.Scheme == Uri.UriSchemeHttps;
        _http = http;
        _validatedTokens = validatedTokens;
        _time = time;
        _logger = logger;
        _interval = auth.Value.JwksRefreshInterval;
        _maxAge = auth.Value.JwksMaxAge;
        MaxRefreshWait = _interval + realm.RequestTimeout;
        _loop = Task.Run(() => ReadLoopAsync(_stopping.Token));
    }

    /// <summary>The named HttpClient the reads use (timeout: <c>Keycloak:RequestTimeout</c>).</summary>
    public const string HttpClientName = "jwks";

    /// <summary>The longest a request waits for a refresh it asked for: the rate limit plus one read.</summary>
    public TimeSpan MaxRefreshWait { get; }

    /// <summary>The configuration read last; the first call waits for the first read.</summary>
    /// <exception cref="KeycloakUnavailableException">The keys have never been read (Keycloak unreachable).</exception>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var current = _current;
        if (current is null)
        {
            await RefreshAsync().WaitAsync(cancel);
            current = _current ?? throw new KeycloakUnavailableException("The realm's signing keys could not be read from Keycloak.");
        }
        else if (_time.GetUtcNow() - current.ReadAt > _maxAge)
        {
            // Stale keys keep serving while the periodic re-read runs (a removed key is dropped by it).
            _ = RefreshAsync();
        }

        return current.Configuration;
    }

    /// <summary>Asks for a re-read (JwtBearer calls this after a signature key was not found; admin events after a key change).</summary>
    public void RequestRefresh() => _ = RefreshAsync();

    /// <summary>
    /// Whether the keys read last contain <paramref name="kid"/>; true before the first read (the first
    /// validation waits for it anyway).
    /// </summary>
    public bool Knows(string kid) => _current is not { } current || current.Kids.Contains(kid);

    /// <summary>
    /// Completes when a read that starts after this call has finished (successfully or not). Concurrent
    /// callers share the read; reads start at most once per <see cref="AuthOptions.JwksRefreshInterval"/>.
    /// </summary>
    public Task RefreshAsync()
    {
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }

            return _next.Task;
        }
    }

    private async Task ReadLoopAsync(CancellationToken stopping)
    {
        var lastStart = (long?)null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stopping);
                if (lastStart is { } started && _time.GetElapsedTime(started) is var elapsed && elapsed < _interval)
                {
                    await Task.Delay(_interval - elapsed, _time, stopping);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            TaskCompletionSource? waiting;
            lock (_gate)
            {
                // Requests from now on wait for the following read: this one may already miss what they look for.
                waiting = _next;
                _next = null;
            }

            lastStart = _time.GetTimestamp();
            await ReadAsync(stopping);
            waiting?.TrySetResult();
        }

        lock (_gate)
        {
            _next?.TrySetResult();
        }
    }

    private async Task ReadAsync(CancellationToken stopping)
    {
        try
        {
            using var client = _http.CreateClient(HttpClientName);
            var retriever = new HttpDocumentRetriever(client) { RequireHttps = _requireHttps };
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(_metadataAddress, retriever, stopping);
            var kids = configuration.SigningKeys.Select(k => k.KeyId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var previous = _current;
            _current = new Snapshot(configuration, kids, _time.GetUtcNow());
            if (previous is not null && !previous.Kids.SetEquals(kids))
            {
                var removed = previous.Kids.Except(kids).ToArray();
                if (removed.Length > 0)
                {
                    // A key leaves the JWKS when an admin disables or deletes it, e.g. because it leaked:
                    // tokens it signed must not stay accepted from the validation cache until their exp.
                    _validatedTokens.Clear();
                }

                var added = string.Join(',', kids.Except(previous.Kids));
                var gone = string.Join(',', removed);
                LogKeysChanged(_logger, added, gone);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Key ids are public; the exception text names the metadata address, nothing secret.
            LogReadFailed(_logger, _metadataAddress, e.GetType().Name, e.Message);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the cancellation; nothing to report at shutdown.
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, HashSet<string> Kids, DateTimeOffset ReadAt);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "The realm's signing keys changed: added [{Added}], removed [{Removed}]")]
    private static partial void LogKeysChanged(ILogger logger, string added, string removed);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Could not read the realm's signing keys from {MetadataAddress} ({Failure}: {Reason}); the keys read before stay in use")]
    private static partial void LogReadFailed(ILogger logger, string metadataAddress, string failure, string reason);
}
