using ByokGateway.Providers;
using ByokGateway.Security;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Proxy;

/// <summary>
/// YARP's clients, with the outbound guard on the clusters of user-endpoint providers: their
/// destination is whatever URL a user stored, so every connection is checked where it is made.
/// </summary>
public sealed class GuardedForwarderHttpClientFactory(ProviderCatalog catalog, OutboundGuard guard, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (catalog.TryGet(context.ClusterId, out var provider) && provider.UserEndpoint)
        {
            guard.Protect(handler);
        }
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new RequestHeadCoalescingHandler(base.WrapHandler(context, handler));
}
