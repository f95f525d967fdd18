using ByokGateway.Crypto;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using ByokGateway.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ByokGateway.Proxy;

/// <summary>
/// Chooses the key for a proxied call (DESIGN.md §7): the user's stored key when their tier allows
/// BYOK; else the operator's system key when policy allows; else a 403 that says what to do.
/// There is no silent fallback: a user whose record cannot be loaded gets 503, never the system key.
/// </summary>
public sealed partial class KeyResolver(
    KeyStore store,
    KeyRing keys,
    SystemKeys systemKeys,
    IOptions<ByokOptions> byok,
    IOptions<ProxyOptions> proxy,
    ILogger<KeyResolver> logger)
{
    public async ValueTask<(ResolvedKey? Key, ProblemHttpResult? Problem)> ResolveAsync(Provider provider, string userId, CancellationToken cancellationToken)
    {
        // A deleted or disabled user gets nothing, not even the system key (DESIGN.md §8). The
        // record is the cached one: admin events, or at the latest the cache duration, bring the change.
        var record = await store.GetAsync(userId, cancellationToken);
        if (record is null)
        {
            return (null, ApiProblems.AccountNotFound());
        }

        if (!record.Enabled)
        {
            return (null, ApiProblems.AccountDisabled());
        }

        var byokAllowed = Tiers.Satisfies(record.Tier, byok.Value.RequiredTier);
        if (byokAllowed && record.Find(provider.Id) is { } stored)
        {
            if (!keys.TryDecrypt(stored.Ciphertext, out var key))
            {
                LogUndecryptable(logger, provider.Id);
                return (null, ApiProblems.Problem(StatusCodes.Status500InternalServerError, "Stored key unreadable",
                    $"Your stored {provider.Name} key cannot be decrypted by the gateway; add it again in the Account Console."));
            }

            Uri? endpoint = null;
            if (provider.UserEndpoint && !Uri.TryCreate(stored.Endpoint, UriKind.Absolute, out endpoint))
            {
                return (null, ApiProblems.Forbidden($"Your {provider.Name} key has no valid endpoint; add it again with its endpoint."));
            }

            return (new ResolvedKey(provider, key, KeySource.Byok, endpoint) { Tier = record.Tier }, null);
        }

        if (!provider.UserEndpoint && systemKeys.Find(provider) is { } systemKey && SystemKeyAllowed(record.Tier))
        {
            return (new ResolvedKey(provider, systemKey, KeySource.System, null) { Tier = record.Tier }, null);
        }

        var detail = byokAllowed
            ? $"No {provider.Name} key is available for you. Add your own {provider.Name} key on the 'API keys' page of your Keycloak account, or with POST /api/v1/byok/keys/add."
            : $"No {provider.Name} key is available for you: your tier '{record.Tier}' does not include your own API keys (the '{byok.Value.RequiredTier}' tier or higher does), and the operator provides no {provider.Name} key for your tier.";
        return (null, ApiProblems.Forbidden(detail, new Dictionary<string, object?> { ["provider"] = provider.Id }));
    }

    /// <summary>
    /// The catalogue's providers a call would get a key for (the user's own key where the tier
    /// allows it, else an allowed system key), decrypting nothing; empty for a deleted or disabled user.
    /// The same rules as <see cref="ResolveAsync"/>, for listings (<c>/v1/models</c>, error messages).
    /// </summary>
    public async ValueTask<IReadOnlyList<Provider>> UsableProvidersAsync(IEnumerable<Provider> providers, string userId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(userId, cancellationToken);
        if (record is not { Enabled: true })
        {
            return [];
        }

        var byokAllowed = Tiers.Satisfies(record.Tier, byok.Value.RequiredTier);
        return [.. providers.Where(p =>
            (byokAllowed && record.Find(p.Id) is not null)
            || (!p.UserEndpoint && systemKeys.Find(p) is not null && SystemKeyAllowed(record.Tier)))];
    }

    private bool SystemKeyAllowed(string tier)
    {
        var tiers = proxy.Value.SystemKeyTiers;
        return tiers.Count == 0 || tiers.Contains(tier, StringComparer.OrdinalIgnoreCase);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "A stored key for {Provider} cannot be decrypted with the configured encryption keys")]
    private static partial void LogUndecryptable(ILogger logger, string provider);
}
