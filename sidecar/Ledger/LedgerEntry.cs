using ByokGateway.Observability;
using ByokGateway.Usage;

namespace ByokGateway.Ledger;

/// <summary>One item of the write buffer: a usage record or an audit event (exactly one is set).</summary>
public readonly record struct LedgerEntry(UsageRecord? Usage, AuditEvent? Audit)
{
    public string Kind => Usage is not null ? LedgerKinds.Usage : LedgerKinds.Audit;
}
