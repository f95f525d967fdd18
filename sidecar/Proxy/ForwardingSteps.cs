namespace ByokGateway.Proxy;

/// <summary>
/// The registered <see cref="IForwardingStep"/>s as one chain around the forwarding of a call,
/// in registration order (Program.cs: limits before usage metering, so a refused call is metered too).
/// </summary>
public sealed class ForwardingSteps(IEnumerable<IForwardingStep> steps, TimeProvider time)
{
    private readonly IForwardingStep[] _steps = [.. steps];

    public TimeProvider Time => time;

    public Task InvokeAsync(HttpContext context, ProxiedCall call, RequestDelegate forward) =>
        _steps.Length == 0 ? forward(context) : InvokeAsync(0, context, call, forward);

    private Task InvokeAsync(int index, HttpContext context, ProxiedCall call, RequestDelegate forward) =>
        index == _steps.Length
            ? forward(context)
            : _steps[index].InvokeAsync(context, call, () => InvokeAsync(index + 1, context, call, forward));
}
