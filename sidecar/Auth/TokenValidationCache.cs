using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace ByokGateway.Auth;

/// <summary>
/// Callers' tokens that passed every check (signature, issuer, audience, lifetime, access-token
/// type), by their exact text, each until the token's own <c>exp</c>. An LLM client sends the
/// same access token with every call for minutes; checking its RS256 signature again each time
/// cost far more CPU than the rest of a proxied request.
/// </summary>
/// <remarks>
/// What stays as without the cache: a token is only found under its complete text, so a changed
/// byte is a different token that is fully validated; failures are never remembered; and an
/// entry is not served from the instant the token expires (without the cache the clock skew would
/// still accept it for a moment; after expiry the full validation decides that). The cache is
/// bounded: when it is full, expired entries are dropped, and if none has expired, all are.
/// </remarks>
public sealed class TokenValidationCache(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private readonly int _capacity = options.Value.TokenCacheSize;

    /// <summary>Entries currently held (expired ones included until they are pruned).</summary>
    public int Count => _entries.Count;

    /// <summary>The identity a still-unexpired <paramref name="token"/> was validated to.</summary>
    public bool TryGet(string token, out ClaimsIdentity identity)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow().UtcDateTime < entry.ExpiresUtc)
            {
                identity = entry.Identity;
                return true;
            }

            Remove(token, entry);
        }

        identity = null!;
        return false;
    }

    /// <summary>Remembers a token that passed validation, until <paramref name="expiresUtc"/> (its <c>exp</c>).</summary>
    public void Add(string token, ClaimsIdentity identity, DateTime expiresUtc)
    {
        if (_capacity == 0 || expiresUtc <= time.GetUtcNow().UtcDateTime)
        {
            return;
        }

        // Only validated tokens missing from the cache get here, after a signature check that
        // costs far more than counting the entries.
        if (_entries.Count >= _capacity && !MakeRoom())
        {
            return;
        }

        _entries.TryAdd(token, new Entry(identity, expiresUtc));
    }

    /// <summary>Forgets every validated token (after a signing key left the realm's JWKS).</summary>
    public void Clear() => _entries.Clear();

    private void Remove(string token, Entry entry) => _entries.TryRemove(KeyValuePair.Create(token, entry));

    /// <summary>Drops expired entries, or everything when none has expired; false when another thread is at it.</summary>
    private bool MakeRoom()
    {
        if (!_pruning.TryEnter())
        {
            return false;
        }

        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var (token, entry) in _entries)
            {
                if (entry.ExpiresUtc <= now)
                {
                    Remove(token, entry);
                }
            }

            if (_entries.Count >= _capacity)
            {
                _entries.Clear();
            }

            return true;
        }
        finally
        {
            _pruning.Exit();
        }
    }

    private sealed record Entry(ClaimsIdentity Identity, DateTime ExpiresUtc);
}
