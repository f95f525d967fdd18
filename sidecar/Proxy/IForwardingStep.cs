namespace ByokGateway.Proxy;

/// <summary>
/// A step around the forwarding of one call, after its key was resolved (<see cref="IProxyPipelineStep"/>
/// runs before): the limits refuse a call here without forwarding it, usage metering wraps the
/// response. Registered in DI; steps run in registration order, each calling <c>forward</c> at most
/// once (or answering the call itself and not calling it). Runs on every proxied call: keep it cheap.
/// </summary>
public interface IForwardingStep
{
    Task InvokeAsync(HttpContext context, ProxiedCall proxiedCall, Func<Task> forward);
}
