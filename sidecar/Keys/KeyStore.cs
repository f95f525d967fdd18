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
    /// The user's record read from Keycloak now, bypassing the cache: for a request about to spend
    /// something on the user's behalf, so it proves Keycloak can take the result first. A user
    /// found deleted or disabled is also dropped from the cache, so cached reads refuse them too.
    /// </summary>
    public async Task<ByokRecord?> GetFreshAsync(string userId, CancellationToken cancellationToken)
    {
        var record = await LoadAsync(userId, cancellationToken);
        if (record is not { Enabled: true })
        {
            await cache.RemoveAsync(CacheKey(userId), token: CancellationToken.None);
        }

        return record;
    }

    /// <summary>
    /// A user's own change: reads the user fresh from Keycloak, lets <paramref name="edit"/> change
    /// its <c>byok_*</c> attributes, PUTs the full representation back and re-reads it to confirm
    /// Keycloak kept the change. Nothing is written when the edit changes nothing. A deleted or
    /// disabled user is refused on that fresh read (<see cref="UserNotFoundException"/>,
    /// <see cref="UserDisabledException"/>) before the edit runs, so such a user is never written.
    /// </summary>
    public Task<TResult> UpdateAsync<TResult>(
        string userId,
        Func<ByokRecord, ByokAttributeEditor, TResult> edit,
        CancellationToken cancellationToken) =>
        UpdateCoreAsync(userId, edit, refuseDisabled: true, cancellationToken);

    /// <summary>
    /// <see cref="UpdateAsync"/> for the operator's maintenance (<c>rotate</c>): disabled users are
    /// written too, because their keys must stay readable once an administrator enables them again.
    /// </summary>
    public Task<TResult> UpdateForOperatorAsync<TResult>(
        string userId,
        Func<ByokRecord, ByokAttributeEditor, TResult> edit,
        CancellationToken cancellationToken) =>
        UpdateCoreAsync(userId, edit, refuseDisabled: false, cancellationToken);

    /// <summary>Throws for a deleted or disabled user; the record otherwise.</summary>
    public static ByokRecord RequireActive(ByokRecord? record) => record switch
    {
        null => throw new UserNotFoundException(),
        { Enabled: false } => throw new UserDisabledException(),
        _ => record,
    };

    private async Task<TResult> UpdateCoreAsync<TResult>(
        string userId,
        Func<ByokRecord, ByokAttributeEditor, TResult> edit,
        bool refuseDisabled,
        CancellationToken cancellationToken)
    {
        var gate = Locks[(uint)StringComparer.Ordinal.GetHashCode(userId) % (uint)Locks.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // A refusal also drops the cached record, which may still show the user as enabled,
                // so every route sees what this read saw.
                var user = await keycloak.GetUserAsync(userId, cancellationToken);
                if (user is null)
                {
                    await cache.RemoveAsync(CacheKey(userId), token: CancellationToken.None);
                    throw new UserNotFoundException();
                }

                var current = ByokAttributes.ToRecord(userId, user);
                if (refuseDisabled && !current.Enabled)
                {
                    await cache.RemoveAsync(CacheKey(userId), token: CancellationToken.None);
                    throw new UserDisabledException();
                }

                var editor = new ByokAttributeEditor(user);
                var result = edit(current, editor);
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
