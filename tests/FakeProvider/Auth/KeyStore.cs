using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace FakeProvider.Auth;

/// <summary>The keys accepted right now: the configured ones until <c>PUT /_fake/keys</c> replaces them.</summary>
internal sealed class KeyStore(IOptions<FakeProviderOptions> options)
{
    private volatile FrozenSet<string> _keys = options.Value.Keys.ToFrozenSet(StringComparer.Ordinal);

    public bool IsEmpty => _keys.Count == 0;

    public bool Accepts(string? key) => key is not null && _keys.Contains(key);

    public void Replace(IEnumerable<string> keys) => _keys = keys.ToFrozenSet(StringComparer.Ordinal);
}
