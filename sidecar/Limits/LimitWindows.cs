using System.Globalization;
using ByokGateway.Proxy;

namespace ByokGateway.Limits;

/// <summary>
/// The fixed windows a moment falls in (UTC minute, day and calendar month) and the counter keys
/// of one user and key source in them. Keys name the window's start, so a new window is a new
/// counter on every replica at once, and the old one expires by itself. The hash tag <c>{...}</c>
/// keeps one user's counters in one Redis cluster slot, as the check script touches them together.
/// </summary>
public readonly struct LimitWindows
{
    private const string Prefix = "byok:limits:{";

    // Counters outlive their window a little, so a replica whose clock is slightly behind still finds them.
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    public LimitWindows(DateTimeOffset now)
    {
        Now = now.ToUniversalTime();
        var utc = Now.UtcDateTime;
        MinuteStart = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
        DayStart = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        MonthStart = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public DateTimeOffset Now { get; }

    public DateTimeOffset MinuteStart { get; }

    public DateTimeOffset DayStart { get; }

    public DateTimeOffset MonthStart { get; }

    public TimeSpan UntilMinuteEnds => MinuteStart.AddMinutes(1) - Now;

    public TimeSpan UntilDayEnds => DayStart.AddDays(1) - Now;

    public TimeSpan UntilMonthEnds => MonthStart.AddMonths(1) - Now;

    public TimeSpan MinuteTtl => UntilMinuteEnds + Slack;

    public TimeSpan DayTtl => UntilDayEnds + Slack;

    public TimeSpan MonthTtl => UntilMonthEnds + Slack;

    public string RequestKey(string userId, KeySource source) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Name(source)}:{userId}}}:rpm:{MinuteStart:yyyyMMddHHmm}");

    public string DayKey(string userId, KeySource source) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Name(source)}:{userId}}}:tpd:{DayStart:yyyyMMdd}");

    public string MonthKey(string userId, KeySource source) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Name(source)}:{userId}}}:tpm:{MonthStart:yyyyMM}");

    private static string Name(KeySource source) => source == KeySource.Byok ? "byok" : "system";
}
