using FakeProvider.Control;

namespace FakeProvider.Chat;

/// <summary>
/// The timing side of the model switches, shared by the OpenAI and Anthropic endpoints:
/// where a reply waits (gate, delay) and the hang that never answers.
/// </summary>
internal sealed class FakeChat(GateRegistry gates, TimeProvider time)
{
    public static readonly TimeSpan SlowInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until the client disconnects, then throws <see cref="OperationCanceledException"/>.</summary>
    public async Task HangAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        throw new InvalidOperationException("An infinite delay ended without cancellation.");
    }

    /// <summary>Streaming: runs after piece <paramref name="index"/> was written and flushed.</summary>
    public Task AfterPieceAsync(ChatTurn turn, int index, CancellationToken cancellationToken) =>
        turn.Behaviour.Kind switch
        {
            ModelSwitchKind.Gated when index == 0 => gates.WaitAsync(turn.Gate, cancellationToken),
            ModelSwitchKind.Slow when index < turn.Reply.Pieces.Count - 1 => Task.Delay(SlowInterval, time, cancellationToken),
            _ => Task.CompletedTask,
        };

    /// <summary>Non-streaming: a gated reply waits for its gate, a slow one as long as its stream would take.</summary>
    public Task BeforeReplyAsync(ChatTurn turn, CancellationToken cancellationToken) =>
        turn.Behaviour.Kind switch
        {
            ModelSwitchKind.Gated => gates.WaitAsync(turn.Gate, cancellationToken),
            ModelSwitchKind.Slow => Task.Delay(SlowInterval * (turn.Reply.Pieces.Count - 1), time, cancellationToken),
            _ => Task.CompletedTask,
        };
}
