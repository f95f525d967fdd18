using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ByokGateway.Unified;

/// <summary>
/// YARP routes for the unified POST paths. They never forward as they are: <see cref="UnifiedRoutingStep"/>
/// moves each call to the route and cluster of the provider its <c>model</c> names, so key
/// resolution, the key swap, timeouts, metrics and logs are the provider route's own. The cluster
/// exists because YARP wants one per route; its address is never dialled.
/// </summary>
public sealed class UnifiedProxyConfigProvider : IProxyConfigProvider
{
    private readonly Config _config = new(
        [.. UnifiedRoutes.ForwardedSuffixes.Select(suffix => new RouteConfig
        {
            RouteId = UnifiedRoutes.ClusterId + suffix.Replace('/', '-'),
            ClusterId = UnifiedRoutes.ClusterId,
            Match = new RouteMatch { Path = UnifiedRoutes.Base + suffix, Methods = ["POST"] },
            Metadata = new Dictionary<string, string> { [UnifiedRoutes.RouteMetadata] = suffix },
        })],
        [
            new ClusterConfig
            {
                ClusterId = UnifiedRoutes.ClusterId,
                Destinations = new Dictionary<string, DestinationConfig> { ["unused"] = new() { Address = "https://unified-endpoint.invalid/" } },
            },
        ]);

    public IProxyConfig GetConfig() => _config;

    private sealed class Config(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes => routes;

        public IReadOnlyList<ClusterConfig> Clusters => clusters;

        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
