using ByokGateway.Limits;

namespace ByokGateway.Tests.Limits;

public sealed class RateLimitHeadersTests
{
    [Theory]
    [InlineData(19.2, "20ms")]
    [InlineData(1000, "1s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(86_399_000, "23h59m59s")]
    [InlineData(3_600_500, "1h0m1s")]
    [InlineData(0, "0s")]
    public void Duration_Span_IsWrittenInOpenAisFormat(double milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.Duration(TimeSpan.FromMilliseconds(milliseconds)));
}
