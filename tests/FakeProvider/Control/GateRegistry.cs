using System.Collections.Concurrent;

namespace FakeProvider.Control;

/// <summary>
/// Named gates that <c>fake-gated</c> replies wait at. A gate is closed until opened; opening
/// latches (a stream arriving later passes straight through) until the gate is reset.
/// </summary>
internal sealed class GateRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public Task WaitAsync(string name, CancellationToken cancellationToken) =>
        _gates.GetOrAdd(name, _ => NewGate()).Task.WaitAsync(cancellationToken);

    public void Open(string name) => _gates.GetOrAdd(name, _ => NewGate()).TrySetResult();

    /// <summary>Closes an opened gate again; a gate still closed keeps its waiters.</summary>
    public void Reset(string name) =>
        _gates.AddOrUpdate(name, _ => NewGate(), (_, gate) => gate.Task.IsCompleted ? NewGate() : gate);

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
