using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Proxy;

/// <summary>Additional forwarded headers cannot reopen what the allowlist keeps home: the gateway refuses to start and names the entry.</summary>
public sealed class ProxyOptionsValidatorTests
{
    [Theory]
    [InlineData("x-*", "x-api-key")]
    [InlineData("Cookie", "Cookie")]
    [InlineData("true-client-ip", "True-Client-IP")]
    [InlineData("x-forwarded-*", "X-Forwarded-For")]
    public async Task Start_AdditionalHeaderThatWouldForwardCredentialsOrAddresses_ExitsNamingIt(string entry, string named)
    {
        var result = await StartAsync(entry);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Proxy:AdditionalRequestHeaders '{entry}' would forward", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x team")]
    [InlineData("x-**")]
    [InlineData("*")]
    public async Task Start_AdditionalHeaderNotAName_ExitsNamingIt(string entry)
    {
        var result = await StartAsync(entry);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Proxy:AdditionalRequestHeaders '{entry}' is not a header name", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> StartAsync(string entry)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "s",
            ["KEYCLOAK_URL"] = null,
            ["BYOK_SIDECAR_SECRET"] = null,
            ["Proxy__AdditionalRequestHeaders__0"] = entry,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return ProcessRunner.RunSidecarAsync(["--urls", "http://127.0.0.1:0"], environment: environment, cancellationToken: timeout.Token);
    }
}
