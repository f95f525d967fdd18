using ByokGateway.Usage;

namespace ByokGateway.Ledger;

/// <summary>
/// The ledger as the billing export's outbox (DESIGN.md §12): usage records stored while billing
/// was configured stay pending until billing acknowledges them. Claims are leases, so with several
/// replicas on PostgreSQL each record is offered to one replica at a time, and a replica that dies
/// mid-send only delays its records until the lease ends (at-least-once; Lago's
/// <c>transaction_id</c> makes a repeat harmless).
/// </summary>
public interface IBillingOutbox
{
    /// <summary>Up to <paramref name="max"/> pending records whose retry time has come, oldest first, leased for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<UsageRecord>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Billing accepted these records: never offered again.</summary>
    Task AcknowledgeAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Billing failed for these records: offer them again from <paramref name="notBefore"/>.</summary>
    Task RetryLaterAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset notBefore, CancellationToken cancellationToken);

    /// <summary>How many records are pending (for the metrics and <c>check</c>).</summary>
    Task<long> PendingCountAsync(CancellationToken cancellationToken);
}
