namespace ByokGateway.Limits;

/// <summary>
/// One check of a call against its limits, done atomically by the counters: if a token budget
/// is spent, refuse without counting the call; else, if the request limit is reached, refuse;
/// else count the call. A limit of 0 means none (its counter is neither read nor written).
/// </summary>
public readonly record struct CounterQuery(
    string RequestKey,
    long RequestLimit,
    TimeSpan RequestTtl,
    string DayKey,
    long DayBudget,
    string MonthKey,
    long MonthBudget);
