namespace ByokGateway.Limits;

/// <summary>
/// The counters in this process: right for one replica (each replica would otherwise allow the
/// full limit). One lock for all of them: a check is a few dictionary operations, far less than
/// the call it guards. Expired windows are swept once a minute.
/// </summary>
public sealed class MemoryLimitCounters(TimeProvider time) : ILimitCounters
{
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public ValueTask<CounterReading?> CheckAsync(CounterQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            var day = query.DayBudget > 0 ? Read(query.DayKey, now) : 0;
            var month = query.MonthBudget > 0 ? Read(query.MonthKey, now) : 0;
            var requests = query.RequestLimit > 0 ? Read(query.RequestKey, now) : 0;
            if ((query.DayBudget > 0 && day >= query.DayBudget) || (query.MonthBudget > 0 && month >= query.MonthBudget))
            {
                return new(new CounterReading(LimitOutcome.TokensExhausted, requests, day, month));
            }

            if (query.RequestLimit > 0)
            {
                if (requests >= query.RequestLimit)
                {
                    return new(new CounterReading(LimitOutcome.RequestsExceeded, requests, day, month));
                }

                requests = Add(query.RequestKey, 1, now, query.RequestTtl);
            }

            return new(new CounterReading(LimitOutcome.Allowed, requests, day, month));
        }
    }

    public void AddTokens(string dayKey, TimeSpan dayTtl, string monthKey, TimeSpan monthTtl, long tokens)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Add(dayKey, tokens, now, dayTtl);
            Add(monthKey, tokens, now, monthTtl);
        }
    }

    private long Read(string key, DateTimeOffset now) =>
        _counters.TryGetValue(key, out var counter) && counter.Expires > now ? counter.Value : 0;

    private long Add(string key, long amount, DateTimeOffset now, TimeSpan ttl)
    {
        var value = Read(key, now) + amount;
        // The first count of a window sets its expiry, as Redis' EXPIRE on a new key does.
        var expires = _counters.TryGetValue(key, out var counter) && counter.Expires > now ? counter.Expires : now + ttl;
        _counters[key] = new Counter(value, expires);
        return value;
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now.AddMinutes(1);
        foreach (var (key, counter) in _counters)
        {
            if (counter.Expires <= now)
            {
                _counters.Remove(key);
            }
        }
    }

    private readonly record struct Counter(long Value, DateTimeOffset Expires);
}
