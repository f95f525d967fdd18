using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Billing;

/// <summary>Bad Lago settings stop the gateway at start-up with a message naming the setting, never the key.</summary>
public sealed class LagoOptionsTests
{
    [Fact]
    public async Task Start_LagoUrlWithoutApiKey_ExitsNamingApiKey()
    {
        var result = await StartAsync(new Dictionary<string, string?> { ["Billing__Lago__Url"] = "https://lago.example.com" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Billing:Lago:ApiKey is required", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LagoUrlNotHttp_ExitsNamingUrlWithoutTheKey()
    {
        var result = await StartAsync(new Dictionary<string, string?>
        {
            ["Billing__Lago__Url"] = "ftp://lago.example.com",
            ["Billing__Lago__ApiKey"] = RecordingLagoServer.ApiKey,
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Billing:Lago:Url must be an absolute http(s) URL", result.StandardError, StringComparison.Ordinal);
        SecretAssert.Absent(result.StandardError + result.StandardOutput, RecordingLagoServer.ApiKey, "the Lago API key", "The start-up error");
    }

    private static Task<ProcessResult> StartAsync(Dictionary<string, string?> environment)
    {
        environment["ENCRYPTION_KEY"] = Fernet.GenerateKey();
        environment["Keycloak__Url"] = "http://127.0.0.1:1";
        environment["Keycloak__ClientSecret"] = "s";
        environment["Ledger__DataDirectory"] = SidecarServer.NewLedgerDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return ProcessRunner.RunSidecarAsync(["--urls", "http://127.0.0.1:0"], environment: environment, cancellationToken: timeout.Token);
    }
}
