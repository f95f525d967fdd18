using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ByokGateway.Proxy;

/// <summary>Gives every provider route (and only those) the key swap and its header allowlist.</summary>
public sealed class KeySwapTransformProvider(IOptions<ProxyOptions> options) : ITransformProvider
{
    private RequestHeaderAllowlist? _allowlist;

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

        // KeySwapTransform copies the allowed headers itself; YARP would copy every header, and
        // its default forwarders would add X-Forwarded-* with the caller's address.
        context.CopyRequestHeaders = false;
        context.UseDefaultForwarders = false;
        _allowlist ??= new RequestHeaderAllowlist(options.Value.AdditionalRequestHeaders);
        context.RequestTransforms.Add(new KeySwapTransform(_allowlist));
        if (options.Value.ForwardClientAddress)
        {
            // The chain the caller (or a front proxy) sent, plus the address the gateway saw.
            context.AddXForwardedFor(action: ForwardedTransformActions.Append);
        }
    }
}
