using FakeProvider.Control;

namespace FakeProvider.Chat;

/// <summary>
/// The timing side of the model switches, shared by the OpenAI and Anthropic endpoints:
/// where a reply waits (gate, delay) and the hang that never answers.
/// </summary>
internal sealed class FakeChat(GateRegistry gates, TimeProvider time)
{
    public const string GateHeader = "x-fake-gate";
    public const string DefaultGate = "default";
    public static readonly TimeSpan SlowInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until the client disconnects, then throws <see cref="OperationCanceledException"/>.</summary>
    public async Task HangAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        throw new InvalidOperationException("An infinite delay ended without cancellation.");
    }

    /// <summary>Streaming: runs after piece <paramref name="index"/> was written and flushed.</summary>
    public Task AfterPieceAsync(HttpRequest request, ModelSwitch behaviour, int index, int count, CancellationToken cancellationToken) =>
        behaviour.Kind switch
        {
            ModelSwitchKind.Gated when index == 0 => gates.WaitAsync(GateOf(request), cancellationToken),
            ModelSwitchKind.Slow when index < count - 1 => Task.Delay(SlowInterval, time, cancellationToken),
            _ => Task.CompletedTask,
        };

    /// <summary>Non-streaming: a gated reply waits for its gate, a slow one as long as its stream would take.</summary>
    public Task BeforeReplyAsync(HttpRequest request, ModelSwitch behaviour, int count, CancellationToken cancellationToken) =>
        behaviour.Kind switch
        {
            ModelSwitchKind.Gated => gates.WaitAsync(GateOf(request), cancellationToken),
            ModelSwitchKind.Slow => Task.Delay(SlowInterval * (count - 1), time, cancellationToken),
            _ => Task.CompletedTask,
        };

    private static string GateOf(HttpRequest request)
    {
        var name = request.Headers[GateHeader].ToString();
        return string.IsNullOrWhiteSpace(name) ? DefaultGate : name;
    }
}
