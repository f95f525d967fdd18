using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Auth;

/// <summary>
/// Successful validations of callers' tokens, by the exact token text, each until the token's own
/// <c>exp</c>. An LLM client sends the same access token with every call for minutes; checking its
/// RS256 signature again each time costs far more CPU than the rest of a proxied request.
/// </summary>
/// <remarks>
/// What stays as without the cache: a token is only ever found under its complete text, so a
/// changed byte is a new token that is fully validated; failures are never remembered; and an entry
/// is not served from the instant the token expires (without the cache the clock skew would still
/// accept it for a moment; the fresh validation after expiry decides that). The cache is bounded:
/// expired entries are dropped when it is full, and if every entry is still valid, all of them are.
/// </remarks>
public sealed class TokenValidationCache(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private readonly int _capacity = options.Value.TokenCacheSize;
    private int _count;

    /// <summary>Entries currently held (expired ones included until they are pruned).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The remembered validation of <paramref name="token"/>, while the token has not expired.</summary>
    public bool TryGet(string token, out Task<TokenValidationResult> result)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow().UtcDateTime < entry.ExpiresUtc)
            {
                result = entry.Result;
                return true;
            }

            Remove(token, entry);
        }

        result = null!;
        return false;
    }

    /// <summary>Remembers a successful validation until the token's <c>exp</c>.</summary>
    public void Add(string token, TokenValidationResult result)
    {
        if (_capacity == 0 || !result.IsValid || result.SecurityToken is not { } securityToken)
        {
            return;
        }

        var expires = securityToken.ValidTo;
        if (expires == DateTime.MinValue || expires <= time.GetUtcNow().UtcDateTime)
        {
            return; // no exp (refused anyway) or already past it
        }

        // The identity is shared by every request that presents this token: build it now, while
        // only this request sees it, and never change it afterwards (nothing in the gateway does).
        _ = result.ClaimsIdentity.Claims.Count();

        if (Volatile.Read(ref _count) >= _capacity && !MakeRoom())
        {
            return;
        }

        if (_entries.TryAdd(token, new Entry(Task.FromResult(result), expires)))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private void Remove(string token, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(token, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

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

            if (Volatile.Read(ref _count) >= _capacity)
            {
                foreach (var (token, entry) in _entries)
                {
                    Remove(token, entry);
                }
            }

            return true;
        }
        finally
        {
            _pruning.Exit();
        }
    }

    private sealed record Entry(Task<TokenValidationResult> Result, DateTime ExpiresUtc);
}
