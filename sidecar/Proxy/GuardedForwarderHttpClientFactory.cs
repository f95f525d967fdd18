using ByokGateway.Providers;
using ByokGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Proxy;

/// <summary>
/// YARP's clients, with the outbound guard on the clusters of user-endpoint providers: their
/// destination is whatever URL a user stored, so every connection is checked where it is made.
/// Every client coalesces small request bodies with their headers and waits for event-stream
/// chunks on the connection (<see cref="EventStreamSocketWaitHandler"/>, unless turned off).
/// </summary>
public sealed class GuardedForwarderHttpClientFactory(
    ProviderCatalog catalog,
    OutboundGuard guard,
    IOptions<ProxyOptions> options,
    ILogger<ForwarderHttpClientFactory> logger,
    ILogger<EventStreamSocketWaitHandler> socketWaitLogger)
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

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
    {
        var wrapped = base.WrapHandler(context, handler);
        if (options.Value.SocketWaitForEventStreams)
        {
            wrapped = new EventStreamSocketWaitHandler(wrapped, socketWaitLogger);
        }

        return new RequestHeadCoalescingHandler(wrapped);
    }
}
