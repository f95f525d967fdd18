using System.Collections.Frozen;
using ByokGateway.Keys;
using ByokGateway.Providers;

namespace ByokGateway.Tests.Keys;

public sealed class KeyValidatorTests
{
    private static readonly Provider OpenAi = new(
        "openai", "OpenAI", "sk-", new Uri("https://api.openai.com"), ProviderAuth.Bearer,
        FrozenDictionary<string, string>.Empty, new ProviderTestOptions(), "OPENAI_API_KEY", false, 10);

    [Theory]
    [InlineData("sk-abcdefghij")]
    [InlineData("sk-proj-AbC_123-xyz.789")]
    public void ValidateKey_WellFormedKey_HasNoProblems(string key) =>
        Assert.Empty(KeyValidator.ValidateKey(key, OpenAi));

    [Theory]
    [InlineData("sk-short", "10 to 1024")]
    [InlineData("sk-abcdefghij\n", "line breaks")]
    [InlineData("sk-abc defghij", "spaces")]
    [InlineData("sk-abcdef\rX-Injected: yes", "control")]
    [InlineData("sk-abcdefghij\t", "control")]
    [InlineData("sk-abcdéfghij", "printable ASCII")]
    [InlineData("pk-abcdefghij", "start with 'sk-'")]
    public void ValidateKey_BadKey_ExplainsTheProblem(string key, string expected)
    {
        var problems = KeyValidator.ValidateKey(key, OpenAi).ToList();

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateKey_TooLong_IsRefused() =>
        Assert.NotEmpty(KeyValidator.ValidateKey("sk-" + new string('a', 1022), OpenAi));

    [Fact]
    public void ValidateLabel_101Characters_IsRefused() =>
        Assert.Contains(KeyValidator.ValidateLabel(new string('x', 101)), p => p.Contains("100", StringComparison.Ordinal));

    [Fact]
    public void ValidateLabel_100PrintableCharacters_IsAccepted() =>
        Assert.Empty(KeyValidator.ValidateLabel(new string('x', 100)));
}
