namespace ByokGateway.Ledger;

/// <summary>The <c>kind</c> label of the ledger's metrics.</summary>
public static class LedgerKinds
{
    public const string Usage = "usage";
    public const string Audit = "audit";
}
