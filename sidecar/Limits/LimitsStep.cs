using System.Globalization;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using ByokGateway.Observability;
using ByokGateway.Proxy;
using ByokGateway.Usage;

namespace ByokGateway.Limits;

/// <summary>
/// Checks a call against its tier's limits for the key source it uses before it is forwarded:
/// within them, the call goes on and its response carries OpenAI's <c>x-ratelimit-*</c> headers;
/// past them, a 429 the OpenAI SDKs read as their rate-limit error (<c>rate_limit_exceeded</c>
/// for requests per minute, <c>insufficient_quota</c> for a spent token budget), with
/// <c>Retry-After</c>, an audit event and a metric. Only the call's own key source counts:
/// a user's system-key budget and own-key budget are apart.
/// </summary>
public sealed class LimitsStep(LimitPolicy policy, ILimitCounters counters, LimitMetrics metrics, AuditLog audit, TimeProvider time) : IForwardingStep
{
    public const string RequestsPerMinute = "requests_per_minute";
    public const string TokensPerDay = "tokens_per_day";
    public const string TokensPerMonth = "tokens_per_month";

    // Not async: a call within its limits returns forward()'s task itself, so no state machine of
    // this step stays alive for the length of a stream (bench/README.md, streams: memory per stream).
    public Task InvokeAsync(HttpContext context, ProxiedCall proxiedCall, Func<Task> forward)
    {
        var limits = policy.Find(proxiedCall.Tier, proxiedCall.Source);
        if (limits is null)
        {
            return forward();
        }

        var windows = new LimitWindows(time.GetUtcNow());
        var query = new CounterQuery(
            windows.RequestKey(proxiedCall.UserId, proxiedCall.Source),
            limits.RequestsPerMinute ?? 0,
            windows.MinuteTtl,
            windows.DayKey(proxiedCall.UserId, proxiedCall.Source),
            limits.TokensPerDay ?? 0,
            windows.MonthKey(proxiedCall.UserId, proxiedCall.Source),
            limits.TokensPerMonth ?? 0);
        var check = counters.CheckAsync(query, context.RequestAborted);
        return check.IsCompletedSuccessfully
            ? Decide(context, proxiedCall, forward, limits, windows, check.Result)
            : DecideAsync(context, proxiedCall, forward, limits, windows, check);
    }

    private async Task DecideAsync(HttpContext context, ProxiedCall call, Func<Task> forward, SourceLimits limits, LimitWindows windows, ValueTask<CounterReading?> check) =>
        await Decide(context, call, forward, limits, windows, await check);

    private Task Decide(HttpContext context, ProxiedCall call, Func<Task> forward, SourceLimits limits, LimitWindows windows, CounterReading? counted)
    {
        if (counted is not { } reading)
        {
            return forward(); // counters unreachable: fail open (RedisLimitCounters says why)
        }

        var headers = new RateLimitHeaders(limits, reading, windows);
        context.Response.OnStarting(static state =>
        {
            var (response, rateLimits) = ((HttpResponse, RateLimitHeaders))state;
            rateLimits.Apply(response.Headers);
            return Task.CompletedTask;
        }, (context.Response, headers));

        if (reading.Outcome == LimitOutcome.Allowed)
        {
            if (limits.CountsTokens)
            {
                // The budget needs the call's tokens: metering then asks for a stream's usage the client did not ask for.
                UsageRequired.Mark(context);
            }

            return forward();
        }

        return RefuseAsync(context, call, limits, reading, windows);
    }

    private Task RefuseAsync(HttpContext context, ProxiedCall call, SourceLimits limits, CounterReading reading, LimitWindows windows)
    {
        var tier = Tiers.Normalize(call.Tier);
        var keys = call.Source == KeySource.System ? "the operator's keys" : "your own keys";
        string limit, detail;
        Dictionary<string, object?> error;
        TimeSpan wait;
        if (reading.Outcome == LimitOutcome.RequestsExceeded)
        {
            limit = RequestsPerMinute;
            wait = windows.UntilMinuteEnds;
            detail = string.Create(CultureInfo.InvariantCulture,
                $"Rate limit reached for requests per minute (RPM) on {keys} for the '{tier}' tier: limit {limits.RequestsPerMinute}, used {reading.Requests}. Please try again in {RateLimitHeaders.Duration(wait)}.");
            error = ProviderErrorShape.Error("requests", detail, "rate_limit_exceeded");
        }
        else
        {
            var monthOut = limits.TokensPerMonth is { } month && reading.MonthTokens >= month;
            limit = monthOut ? TokensPerMonth : TokensPerDay;
            wait = monthOut ? windows.UntilMonthEnds : windows.UntilDayEnds;
            var (budget, used, period) = monthOut
                ? (limits.TokensPerMonth, reading.MonthTokens, "month")
                : (limits.TokensPerDay, reading.DayTokens, "day");
            detail = string.Create(CultureInfo.InvariantCulture,
                $"You exceeded your token budget on {keys} for the '{tier}' tier: {budget:N0} tokens per {period} (UTC), {used:N0} used. It resets in {RateLimitHeaders.Duration(wait)}.{(call.Source == KeySource.System ? " Add your own key or ask for a higher tier to continue." : string.Empty)}");
            error = ProviderErrorShape.Error("insufficient_quota", detail, "insufficient_quota");
            // Retrying cannot help before the budget resets; OpenAI's SDKs skip their retries on this header.
            context.Response.Headers["x-should-retry"] = "false";
        }

        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        metrics.Refused(limit, call.SourceName, tier);
        audit.LimitRefused(call.UserId, call.Provider.Id, $"{call.SourceName}:{limit}");
        return ApiProblems.LimitReached(detail, error).ExecuteAsync(context);
    }
}
