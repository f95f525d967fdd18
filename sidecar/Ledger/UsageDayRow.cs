namespace ByokGateway.Ledger;

/// <summary>
/// One day of one user's calls to one model with one kind of key. Token sums count only the calls
/// whose usage was known; <see cref="UnknownUsageRequests"/> says how many were not.
/// </summary>
public sealed record UsageDayRow(
    DateOnly Date,
    string UserId,
    string Provider,
    string? Model,
    string KeySource,
    long Requests,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long UnknownUsageRequests);
