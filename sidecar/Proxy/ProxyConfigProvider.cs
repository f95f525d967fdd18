using ByokGateway.Providers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Proxy;

/// <summary>
/// YARP routes and clusters from the provider catalogue: <c>/{provider}/{**path}</c> forwards to the
/// provider's base URL with the path and query string, for authenticated realm users only
/// (enforced by <see cref="KeyResolutionMiddleware"/>).
/// </summary>
public sealed class ProxyConfigProvider(ProviderCatalog catalog, IOptions<ProxyOptions> options) : IProxyConfigProvider
{
    public const string ProviderMetadata = "byok-provider";

    // Clusters of user-endpoint providers have no fixed upstream: KeySwapTransform sets the
    // destination per request, so this address is never dialled.
    private const string UnusedAddress = "https://user-endpoint.invalid/";

    private readonly Config _config = Build(catalog, options.Value);

    public IProxyConfig GetConfig() => _config;

    private static Config Build(ProviderCatalog catalog, ProxyOptions options)
    {
        var routes = catalog.All.Select(p => new RouteConfig
        {
            RouteId = p.Id,
            ClusterId = p.Id,
            // No AuthorizationPolicy: KeyResolutionMiddleware, the first step of the proxy
            // pipeline, enforces the realm-user policy (cheaper than the framework's evaluation).
            Match = new RouteMatch { Path = $"/{p.Id}/{{**remainder}}" },
            Metadata = new Dictionary<string, string> { [ProviderMetadata] = p.Id },
            // /{provider}/v1/chat/completions -> /v1/chat/completions; a prefix cut is cheaper
            // than binding a path template on every request.
            Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = "/" + p.Id }],
        }).ToList();

        var clusters = catalog.All.Select(p => new ClusterConfig
        {
            ClusterId = p.Id,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["upstream"] = new() { Address = p.BaseUrl?.AbsoluteUri ?? UnusedAddress },
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = options.UpstreamTimeout },
            Metadata = new Dictionary<string, string> { [ProviderMetadata] = p.Id },
        }).ToList();

        return new Config(routes, clusters);
    }

    private sealed class Config(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes => routes;

        public IReadOnlyList<ClusterConfig> Clusters => clusters;

        // The catalogue is fixed for the life of the process.
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
