using ByokGateway.Providers;

namespace ByokGateway.Proxy;

/// <summary>
/// The operator's fallback keys, read once from each provider's <c>SystemKeyEnv</c> variable.
/// An empty value counts as unset. Providers with user endpoints never have one.
/// </summary>
public sealed class SystemKeys(ProviderCatalog catalog, IConfiguration configuration)
{
    private readonly Dictionary<string, string> _keys = catalog.All
        .Where(p => !p.UserEndpoint && p.SystemKeyEnv is not null)
        .Select(p => (p.Id, Value: configuration[p.SystemKeyEnv!]?.Trim()))
        .Where(p => !string.IsNullOrEmpty(p.Value))
        .ToDictionary(p => p.Id, p => p.Value!, StringComparer.Ordinal);

    public string? Find(Provider provider) => provider.UserEndpoint ? null : _keys.GetValueOrDefault(provider.Id);

    public IReadOnlyCollection<string> ConfiguredProviders => _keys.Keys;
}
