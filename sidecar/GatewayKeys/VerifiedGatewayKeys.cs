using System.Collections.Concurrent;
using ByokGateway.Auth;
using Microsoft.Extensions.Options;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Gateway keys that matched a stored hash, by their exact text, so that the next call with the
/// same key skips decoding and SHA-256 (which cost more than the rest of authenticating it). What
/// is remembered is only where the key was found (user, key id, hash): every call still checks
/// the user's current record, so a revoked or expired key, or a disabled user, is refused at the
/// next call as without this cache. Failures are never remembered. Bounded like the token cache:
/// when full, it is emptied.
/// </summary>
public sealed class VerifiedGatewayKeys(IOptions<GatewayKeysOptions> options)
{
    private readonly ConcurrentDictionary<string, VerifiedGatewayKey> _entries = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.CacheSize;

    public int Count => _entries.Count;

    public bool TryGet(string token, out VerifiedGatewayKey entry) => _entries.TryGetValue(token, out entry!);

    /// <summary>Remembers a key that matched <paramref name="secretHash"/> of key <paramref name="keyId"/>; returns the entry either way.</summary>
    public VerifiedGatewayKey Add(string token, string userId, string keyId, byte[] secretHash)
    {
        var entry = new VerifiedGatewayKey(userId, keyId, secretHash, GatewayKeyAuthentication.Identity(userId, keyId));
        if (_capacity == 0)
        {
            return entry;
        }

        // Reached only after a full check (decode, SHA-256, record lookup), which costs far more than counting.
        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _entries[token] = entry;
        return entry;
    }

    public void Remove(string token) => _entries.TryRemove(token, out _);
}
