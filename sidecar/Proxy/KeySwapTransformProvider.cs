using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ByokGateway.Proxy;

/// <summary>Gives every provider route (and only those) the key swap.</summary>
public sealed class KeySwapTransformProvider(IOptions<ProxyOptions> options) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.ContainsKey(ProxyConfigProvider.ProviderMetadata) != true)
        {
            return;
        }

        var forward = options.Value.ForwardClientAddress;
        context.UseDefaultForwarders = forward;
        context.RequestTransforms.Add(new KeySwapTransform(forward));
    }
}
