namespace ByokGateway.Ledger;

/// <summary>Sums over a time range (token sums count only the calls whose usage was known).</summary>
public sealed record UsageTotals(long Requests, long InputTokens, long OutputTokens);
