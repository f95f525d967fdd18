using ByokGateway.Observability;

namespace ByokGateway.Ledger;

/// <summary>
/// Reads of the ledger for the usage API, the operator CLI and <c>/stats</c>. Days are UTC days;
/// ranges include both ends. Records still in the write buffer are not seen yet.
/// </summary>
public interface ILedgerQueries
{
    /// <summary>Usage grouped by day, user, provider, model and key source; <paramref name="userId"/> null = every user.</summary>
    Task<IReadOnlyList<UsageDayRow>> UsageByDayAsync(string? userId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);

    /// <summary>Totals of the calls that arrived in [<paramref name="since"/>, <paramref name="until"/>); <paramref name="userId"/> null = every user.</summary>
    Task<UsageTotals> TotalsAsync(string? userId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Audit events in [<paramref name="since"/>, <paramref name="until"/>), oldest first; <paramref name="userId"/> null = every user.</summary>
    Task<IReadOnlyList<AuditEvent>> AuditAsync(string? userId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
