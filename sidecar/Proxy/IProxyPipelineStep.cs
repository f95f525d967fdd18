namespace ByokGateway.Proxy;

/// <summary>
/// A step other features add to the proxy pipeline, before key resolution: the unified
/// <c>/v1</c> endpoint picks the provider of a call there. Registered in DI; steps run in
/// registration order and must pass provider routes on untouched (they run on every call).
/// </summary>
public interface IProxyPipelineStep
{
    Task InvokeAsync(HttpContext context, RequestDelegate continuation);
}
