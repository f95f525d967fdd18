using System.Collections.Concurrent;

namespace KeycloakEmulator.Tokens;

/// <summary>Keys per realm, created on first use and kept in memory for the life of the process.</summary>
internal sealed class SigningKeys : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RealmKeys>> _keys = new(StringComparer.Ordinal);

    public RealmKeys For(string realm) => _keys.GetOrAdd(realm, _ => new Lazy<RealmKeys>(() => new RealmKeys())).Value;

    public void Dispose()
    {
        foreach (var key in _keys.Values.Where(k => k.IsValueCreated))
        {
            key.Value.Dispose();
        }
    }
}
