using ByokGateway.Keys;

namespace ByokGateway.Tests.Keys;

public sealed class KeyMaskTests
{
    [Theory]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", "sk-p****GHIJ")]
    [InlineData("sk-1234567890ab", "sk****ab")]
    [InlineData("abcdefghijkl", "ab****kl")]
    [InlineData("abcdefghij", "a****j")]
    [InlineData("abcde", "****")]
    public void Mask_Key_ShowsAtMostFourEachSideAndAThirdOverall(string key, string expected)
    {
        var mask = KeyMask.Mask(key);

        Assert.Equal(expected, mask);
        var shown = mask.Replace("****", string.Empty, StringComparison.Ordinal).Length;
        Assert.True(shown * 3 <= key.Length, $"{shown} of {key.Length} characters shown");
    }
}
