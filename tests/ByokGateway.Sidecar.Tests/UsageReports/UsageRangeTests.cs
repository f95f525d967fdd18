using ByokGateway.UsageReports;

namespace ByokGateway.Tests.UsageReports;

public sealed class UsageRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_NoDays_LastThirtyDaysToToday()
    {
        var (range, _, error) = UsageRange.Parse(null, null, Now);

        Assert.Null(error);
        Assert.Equal(new UsageRange(new DateOnly(2026, 11, 3), new DateOnly(2026, 12, 2)), range);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), range!.Since);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), range.Until);
    }

    [Fact]
    public void Parse_OnlyTo_ThirtyDaysEndingThere()
    {
        var (range, _, _) = UsageRange.Parse(null, "2026-03-01", Now);

        Assert.Equal(new UsageRange(new DateOnly(2026, 1, 31), new DateOnly(2026, 3, 1)), range);
    }

    [Fact]
    public void Parse_OneDay_IsAllowed()
    {
        var (range, _, _) = UsageRange.Parse("2026-12-02", "2026-12-02", Now);

        Assert.Equal(new UsageRange(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 2)), range);
    }

    [Fact]
    public void Parse_ExactlyMaxDays_IsAllowedOneMoreIsNot()
    {
        Assert.NotNull(UsageRange.Parse("2024-01-01", "2024-12-31", Now).Range);
        var (range, parameter, error) = UsageRange.Parse("2024-01-01", "2025-01-01", Now);

        Assert.Null(range);
        Assert.Equal("to", parameter);
        Assert.Contains("367 days", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Reversed_NamesFrom()
    {
        var (range, parameter, error) = UsageRange.Parse("2026-12-02", "2026-12-01", Now);

        Assert.Null(range);
        Assert.Equal("from", parameter);
        Assert.Contains("after 'to'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday", null, "from")]
    [InlineData("2026-13-01", null, "from")]
    [InlineData("2026-02-30", null, "from")]
    [InlineData("2026-1-01", null, "from")]
    [InlineData("", null, "from")]
    [InlineData(null, "2026-12-02T00:00:00Z", "to")]
    [InlineData(null, "02/12/2026", "to")]
    [InlineData(null, " 2026-12-02", "to")]
    public void Parse_NotADay_NamesTheParameter(string? from, string? to, string expected)
    {
        var (range, parameter, error) = UsageRange.Parse(from, to, Now);

        Assert.Null(range);
        Assert.Equal(expected, parameter);
        Assert.Contains("YYYY-MM-DD", error, StringComparison.Ordinal);
    }
}
