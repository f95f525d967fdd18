namespace ByokGateway.Limits;

/// <summary>
/// The counters behind the limits: in this process (<see cref="MemoryLimitCounters"/>) or in Redis,
/// shared by every replica (<see cref="RedisLimitCounters"/>).
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting: its limiters keep their state in one process and cannot
/// share a window across replicas, and a token budget is charged after the call with whatever
/// the provider reported (a stream may go past it), which a limiter's permits cannot express.
/// Plain fixed-window counters do both, the same way in memory and in Redis.
/// </remarks>
public interface ILimitCounters
{
    /// <summary>Checks and counts one call (<see cref="CounterQuery"/>); null when the counters cannot be reached (the call then goes through).</summary>
    ValueTask<CounterReading?> CheckAsync(CounterQuery query, CancellationToken cancellationToken);

    /// <summary>Adds a finished call's tokens to its day and month budgets; returns at once (never blocks the request).</summary>
    void AddTokens(string dayKey, TimeSpan dayTtl, string monthKey, TimeSpan monthTtl, long tokens);
}
