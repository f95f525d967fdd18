namespace ByokGateway.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void True_IsTrue() => Assert.True(true);
}
