namespace ByokGateway.Ledger;

/// <summary>What the writer last learnt about the store, for <c>/readyz</c>.</summary>
public sealed class LedgerHealth
{
    private volatile string? _problem = "not reached yet";

    /// <summary>Null while the store works; otherwise why it does not.</summary>
    public string? Problem => _problem;

    /// <summary>Returns true when the store was failing before.</summary>
    public bool Working() => Interlocked.Exchange(ref _problem, null) is not null;

    public void Failing(Exception exception) =>
        _problem = $"{exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}";
}
