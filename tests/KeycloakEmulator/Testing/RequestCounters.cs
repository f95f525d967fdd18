using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Testing;

/// <summary>Counts Admin API, token, discovery and JWKS requests so tests can prove caching and single-flight behaviour.</summary>
internal sealed class RequestCounters
{
    private readonly ConcurrentDictionary<string, int> _userReads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _userWrites = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _tokenRequests = new(StringComparer.Ordinal);
    private int _userListReads;
    private int _jwksReads;
    private int _discoveryReads;

    public void UserRead(string userId) => _userReads.AddOrUpdate(userId, 1, (_, n) => n + 1);

    public void UserWrite(string userId) => _userWrites.AddOrUpdate(userId, 1, (_, n) => n + 1);

    public void UserListRead() => Interlocked.Increment(ref _userListReads);

    public void JwksRead() => Interlocked.Increment(ref _jwksReads);

    public void DiscoveryRead() => Interlocked.Increment(ref _discoveryReads);

    public void TokenRequest(string clientId) => _tokenRequests.AddOrUpdate(clientId, 1, (_, n) => n + 1);

    public void Reset()
    {
        _userReads.Clear();
        _userWrites.Clear();
        _tokenRequests.Clear();
        Interlocked.Exchange(ref _userListReads, 0);
        Interlocked.Exchange(ref _jwksReads, 0);
        Interlocked.Exchange(ref _discoveryReads, 0);
    }

    public JsonObject Snapshot()
    {
        static JsonObject Map(ConcurrentDictionary<string, int> counts) =>
            // ToArray is a moment-in-time copy (the enumerator is not: under concurrent reset and
            // counting it may yield a key twice, which JsonObject refuses).
            new(counts.ToArray().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));

        return new JsonObject
        {
            ["userReads"] = Map(_userReads),
            ["userReadsTotal"] = _userReads.Values.Sum(),
            ["userWrites"] = Map(_userWrites),
            ["userWritesTotal"] = _userWrites.Values.Sum(),
            ["userListReads"] = Volatile.Read(ref _userListReads),
            ["tokenRequests"] = Map(_tokenRequests),
            ["jwksReads"] = Volatile.Read(ref _jwksReads),
            ["discoveryReads"] = Volatile.Read(ref _discoveryReads),
        };
    }
}
