using StackExchange.Redis;

namespace ByokGateway.Limits;

/// <summary>
/// The counters in Redis (<c>Cache:Redis</c>), so a limit holds across replicas: one script per
/// check makes reading the budgets, testing the request limit and counting the call one atomic
/// step (two replicas cannot both take the last request of a window). Tokens are added with
/// INCRBY after the call, without waiting for the answer.
/// </summary>
/// <remarks>
/// Redis unreachable or slow: the gateway fails open. A limit is a cost control, not a security
/// boundary (the caller is authenticated and the key resolved), and refusing every call of every
/// user because a counter store is down would turn a Redis outage into a gateway outage. Each
/// failure counts in <c>byok_limit_counter_failures_total</c>; a warning is logged at most once a minute.
/// </remarks>
public sealed partial class RedisLimitCounters : ILimitCounters, IAsyncDisposable
{
    // KEYS: requests, day tokens, month tokens. ARGV: request limit, request TTL (ms), day budget, month budget.
    // Returns {outcome, requests, day tokens, month tokens} with the outcomes of LimitOutcome.
    private const string CheckScript = """
        local limit = tonumber(ARGV[1])
        local dayBudget = tonumber(ARGV[3])
        local monthBudget = tonumber(ARGV[4])
        local day = 0
        local month = 0
        local requests = 0
        if dayBudget > 0 then day = tonumber(redis.call('GET', KEYS[2]) or '0') end
        if monthBudget > 0 then month = tonumber(redis.call('GET', KEYS[3]) or '0') end
        if limit > 0 then requests = tonumber(redis.call('GET', KEYS[1]) or '0') end
        if (dayBudget > 0 and day >= dayBudget) or (monthBudget > 0 and month >= monthBudget) then
          return {2, requests, day, month}
        end
        if limit > 0 then
          if requests >= limit then return {1, requests, day, month} end
          requests = redis.call('INCR', KEYS[1])
          if requests == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        end
        return {0, requests, day, month}
        """;

    // KEYS: day tokens, month tokens. ARGV: tokens, day TTL (ms), month TTL (ms).
    private const string AddScript = """
        redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('INCRBY', KEYS[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 0
        """;

    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly LimitMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisLimitCounters> _logger;
    private long _nextWarningTicks;

    public RedisLimitCounters(string connectionString, LimitMetrics metrics, TimeProvider time, ILogger<RedisLimitCounters> logger)
    {
        _metrics = metrics;
        _time = time;
        _logger = logger;
        var options = ConfigurationOptions.Parse(connectionString);
        // Start without Redis and keep reconnecting: the gateway must come up (and fail open) while Redis is down.
        options.AbortOnConnectFail = false;
        _connection = ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask<CounterReading?> CheckAsync(CounterQuery query, CancellationToken cancellationToken)
    {
        try
        {
            var redis = await _connection.WaitAsync(cancellationToken);
            var result = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
                CheckScript,
                [query.RequestKey, query.DayKey, query.MonthKey],
                [query.RequestLimit, (long)query.RequestTtl.TotalMilliseconds, query.DayBudget, query.MonthBudget]);
            if (result is not { Length: 4 })
            {
                Failed(null);
                return null;
            }

            return new CounterReading((LimitOutcome)(int)result[0], (long)result[1], (long)result[2], (long)result[3]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidCastException)
        {
            Failed(e);
            return null;
        }
    }

    public void AddTokens(string dayKey, TimeSpan dayTtl, string monthKey, TimeSpan monthTtl, long tokens) =>
        _ = AddTokensAsync(dayKey, dayTtl, monthKey, monthTtl, tokens);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsCompletedSuccessfully)
        {
            await _connection.Result.DisposeAsync();
        }
    }

    private async Task AddTokensAsync(string dayKey, TimeSpan dayTtl, string monthKey, TimeSpan monthTtl, long tokens)
    {
        try
        {
            var redis = await _connection;
            await redis.GetDatabase().ScriptEvaluateAsync(
                AddScript,
                [dayKey, monthKey],
                [tokens, (long)dayTtl.TotalMilliseconds, (long)monthTtl.TotalMilliseconds]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e);
        }
    }

    private void Failed(Exception? e)
    {
        _metrics.CounterFailed();
        var now = _time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextWarningTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextWarningTicks, now + TimeSpan.TicksPerMinute, next) == next)
        {
            LogRedisFailed(_logger, e?.GetType().Name ?? "unexpected reply");
        }
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning,
        Message = "Limit counters in Redis unavailable ({Failure}): calls go through unlimited until Redis answers again")]
    private static partial void LogRedisFailed(ILogger logger, string failure);
}
