using ByokGateway.Keycloak;
using ZiggyCreatures.Caching.Fusion;

namespace ByokGateway.Keys;

/// <summary>
/// Users' BYOK records: cached reads for the proxy and the API, and serialized read-modify-write
/// updates of the Keycloak user that invalidate the cache (on every replica, via the backplane).
/// </summary>
public sealed partial class KeyStore(
    KeycloakAdminClient keycloak,
    IFusionCache cache,
    KeyStoreMetrics metrics,
    ILogger<KeyStore> logger)
{
    // Writes of one user are serialized in this process; writers on other replicas are caught by
    // the confirming re-read. Striped locks keep memory bounded whatever the number of users.
    private static readonly SemaphoreSlim[] Locks = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    private const int MaxAttempts = 3;

    /// <summary>The user's record, from the cache when possible; null when the user does not exist.</summary>
    public async ValueTask<ByokRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var loaded = false;
        var record = await cache.GetOrSetAsync<ByokRecord?>(
            CacheKey(userId),
            async (_, ct) =>
            {
                loaded = true;
                return await LoadAsync(userId, ct);
            },
            token: cancellationToken);
        metrics.RecordLookup(hit: !loaded);
        return record;
    }

    /// <summary>
    /// The user's record when the cache holds a fresh one, without loading anything: the cheapest
    /// lookup (GetOrSetAsync's factory machinery costs about as much again), for a check that runs
    /// on every call before key resolution's own, counted, lookup (so it is not counted itself).
    /// False when the entry is missing, expired or only kept for fail-safe; <see cref="GetAsync"/>
    /// then does the rest.
    /// </summary>
    public bool TryGetCached(string userId, out ByokRecord? record)
    {
        var cached = cache.TryGet<ByokRecord?>(CacheKey(userId));
        record = cached.HasValue ? cached.Value : null;
        return cached.HasValue;
    }

    /// <summary>
    /// Reads the user fresh from Keycloak, lets <paramref name="edit"/> change its <c>byok_*</c>
    /// attributes, PUTs the full representation back and re-reads it to confirm Keycloak kept the
    /// change. Nothing is written when the edit changes nothing.
    /// </summary>
    public async Task<TResult> UpdateAsync<TResult>(
        string userId,
        Func<ByokRecord, ByokAttributeEditor, TResult> edit,
        CancellationToken cancellationToken)
    {
        var gate = Locks[(uint)StringComparer.Ordinal.GetHashCode(userId) % (uint)Locks.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var user = await keycloak.GetUserAsync(userId, cancellationToken) ?? throw new UserNotFoundException();
                var editor = new ByokAttributeEditor(user);
                var result = edit(ByokAttributes.ToRecord(userId, user), editor);
                if (!editor.HasChanges)
                {
                    return result;
                }

                // From here on the caller's cancellation no longer applies: a write that has been
                // sent is confirmed and the cache invalidated even if the client went away.
                if (!await keycloak.UpdateUserAsync(userId, user, CancellationToken.None))
                {
                    throw new UserNotFoundException();
                }

                var stored = await keycloak.GetUserAsync(userId, CancellationToken.None) ?? throw new UserNotFoundException();
                await cache.RemoveAsync(CacheKey(userId), token: CancellationToken.None);
                if (editor.IsReflectedIn(stored))
                {
                    return result;
                }

                // Either another replica wrote this user between our PUT and the re-read (retrying
                // applies our change on top of theirs), or Keycloak drops unmanaged attributes.
                LogNotReflected(logger, attempt);
                if (attempt == MaxAttempts)
                {
                    throw new AttributesNotStoredException();
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the cached record of a user (after writes made outside <see cref="UpdateAsync"/>).</summary>
    public ValueTask InvalidateAsync(string userId) => cache.RemoveAsync(CacheKey(userId));

    private async Task<ByokRecord?> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await keycloak.GetUserAsync(userId, cancellationToken);
        return user is null ? null : ByokAttributes.ToRecord(userId, user);
    }

    internal static string CacheKey(string userId) => "byok:user:" + userId;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Keycloak did not reflect a byok attribute update on attempt {Attempt}")]
    private static partial void LogNotReflected(ILogger logger, int attempt);
}
