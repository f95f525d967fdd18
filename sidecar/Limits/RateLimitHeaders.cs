using System.Globalization;
using System.Text;

namespace ByokGateway.Limits;

/// <summary>
/// OpenAI's rate-limit headers (<c>x-ratelimit-limit-requests</c>, <c>-remaining-requests</c>,
/// <c>-reset-requests</c> and the same for tokens) for a call under the gateway's limits. When a
/// limit of the gateway applies to a call, these replace whatever <c>x-ratelimit-*</c> headers the
/// provider sent: the provider's describe the operator's whole account (for a system key) or the
/// user's own account, and two sets under one name would contradict each other. Written just before
/// the response starts, after the provider's headers were copied.
/// </summary>
public sealed class RateLimitHeaders
{
    private const string HeaderPrefix = "x-ratelimit-";

    private readonly string? _limitRequests;
    private readonly string? _remainingRequests;
    private readonly string? _resetRequests;
    private readonly string? _limitTokens;
    private readonly string? _remainingTokens;
    private readonly string? _resetTokens;

    public RateLimitHeaders(SourceLimits limits, CounterReading reading, LimitWindows windows)
    {
        if (limits.RequestsPerMinute is { } rpm)
        {
            _limitRequests = Number(rpm);
            _remainingRequests = Number(Math.Max(0, rpm - reading.Requests));
            _resetRequests = Duration(windows.UntilMinuteEnds);
        }

        // With a day and a month budget, the one with less left is the one that binds.
        var day = limits.TokensPerDay is { } perDay ? new Budget(perDay, perDay - reading.DayTokens, windows.UntilDayEnds) : (Budget?)null;
        var month = limits.TokensPerMonth is { } perMonth ? new Budget(perMonth, perMonth - reading.MonthTokens, windows.UntilMonthEnds) : (Budget?)null;
        var binding = day is { } d && month is { } m ? (m.Left < d.Left ? m : d) : day ?? month;
        if (binding is { } tokens)
        {
            _limitTokens = Number(tokens.Limit);
            _remainingTokens = Number(Math.Max(0, tokens.Left));
            _resetTokens = Duration(tokens.Reset);
        }
    }

    public void Apply(IHeaderDictionary headers)
    {
        List<string>? providers = null;
        foreach (var name in headers.Keys)
        {
            if (name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (providers ??= []).Add(name);
            }
        }

        foreach (var name in providers ?? [])
        {
            headers.Remove(name);
        }

        Set(headers, "x-ratelimit-limit-requests", _limitRequests);
        Set(headers, "x-ratelimit-remaining-requests", _remainingRequests);
        Set(headers, "x-ratelimit-reset-requests", _resetRequests);
        Set(headers, "x-ratelimit-limit-tokens", _limitTokens);
        Set(headers, "x-ratelimit-remaining-tokens", _remainingTokens);
        Set(headers, "x-ratelimit-reset-tokens", _resetTokens);
    }

    /// <summary>
    /// A time span the way OpenAI writes its reset headers (Go's duration format): <c>20ms</c>
    /// under a second, else whole seconds rounded up with minutes and hours, <c>1s</c>, <c>6m0s</c>, <c>23h59m59s</c>.
    /// </summary>
    public static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return "0s";
        }

        if (span < TimeSpan.FromSeconds(1))
        {
            return Number((long)Math.Ceiling(span.TotalMilliseconds)) + "ms";
        }

        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        var text = new StringBuilder();
        if (seconds >= 3600)
        {
            text.Append(CultureInfo.InvariantCulture, $"{seconds / 3600}h");
        }

        if (seconds >= 60)
        {
            text.Append(CultureInfo.InvariantCulture, $"{seconds % 3600 / 60}m");
        }

        return text.Append(CultureInfo.InvariantCulture, $"{seconds % 60}s").ToString();
    }

    private static void Set(IHeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Budget(long Limit, long Left, TimeSpan Reset);
}
