namespace ByokGateway.Limits;

/// <summary>What the counters said: the outcome, and the counts after it (requests including this call when it was counted).</summary>
public readonly record struct CounterReading(LimitOutcome Outcome, long Requests, long DayTokens, long MonthTokens);
