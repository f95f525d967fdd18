using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Limits;

/// <summary>Limits an operator cannot have meant stop the gateway at start-up, naming the setting.</summary>
public sealed class LimitsOptionsTests
{
    [Theory]
    [InlineData("Limits__Tiers__gold__System__TokensPerDay", "5", "Limits:Tiers:gold names an unknown tier")]
    [InlineData("Limits__Tiers__free__System__RequestsPerMinute", "0", "Limits:Tiers:free:System:RequestsPerMinute is 0")]
    [InlineData("Limits__Tiers__starter__Byok__TokensPerDay", "-3", "Limits:Tiers:starter:Byok:TokensPerDay is -3")]
    public async Task Start_BadLimit_ExitsNamingTheSetting(string setting, string value, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await ProcessRunner.RunSidecarAsync(["--urls", "http://127.0.0.1:0"], environment: new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "s",
            [setting] = value,
        }, cancellationToken: timeout.Token);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot start", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }
}
