using System.Globalization;

namespace ByokGateway.UsageReports;

/// <summary>
/// A range of UTC days, both included, as the usage API and the CLI take it: <c>YYYY-MM-DD</c>;
/// without <c>to</c> it ends today, without <c>from</c> it covers <see cref="DefaultDays"/> days
/// ending at <c>to</c>; reversed or longer than <see cref="MaxDays"/> is refused.
/// </summary>
public sealed record UsageRange(DateOnly From, DateOnly To)
{
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>Days covered when <c>from</c> is not given (today included), as the Account Console shows.</summary>
    public const int DefaultDays = 30;

    /// <summary>The longest range one request may ask for: a year, leap day included.</summary>
    public const int MaxDays = 366;

    /// <summary>Midnight UTC starting <see cref="From"/>.</summary>
    public DateTimeOffset Since => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Midnight UTC after <see cref="To"/> (exclusive end).</summary>
    public DateTimeOffset Until => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The range, or the parameter at fault and what is wrong with it.</summary>
    public static (UsageRange? Range, string? Parameter, string? Error) Parse(string? from, string? to, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (!TryParseDay(to, today, out var last))
        {
            return (null, "to", $"'to' must be a day as YYYY-MM-DD (e.g. {Format(today)}).");
        }

        if (!TryParseDay(from, last.AddDays(1 - DefaultDays), out var first))
        {
            return (null, "from", $"'from' must be a day as YYYY-MM-DD (e.g. {Format(today.AddDays(1 - DefaultDays))}).");
        }

        if (first > last)
        {
            return (null, "from", $"'from' ({Format(first)}) is after 'to' ({Format(last)}); give the earlier day as 'from'.");
        }

        var days = last.DayNumber - first.DayNumber + 1;
        if (days > MaxDays)
        {
            return (null, "to", $"The range {Format(first)}..{Format(last)} covers {days} days; ask for at most {MaxDays} days at a time.");
        }

        return (new UsageRange(first, last), null, null);
    }

    public static string Format(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    private static bool TryParseDay(string? text, DateOnly fallback, out DateOnly day)
    {
        if (text is null)
        {
            day = fallback;
            return true;
        }

        return DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
