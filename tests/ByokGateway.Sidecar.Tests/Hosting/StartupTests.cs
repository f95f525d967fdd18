using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Hosting;

/// <summary>The gateway refuses to start on bad configuration and says what to fix, without a stack trace.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Start_NoEncryptionKey_ExitsWithInstructions()
    {
        var result = await StartAsync(new Dictionary<string, string?> { ["Keycloak__Url"] = "http://127.0.0.1:1", ["Keycloak__ClientSecret"] = "s" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot start", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("generate-key", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MalformedEncryptionKey_ExitsNamingTheVariableNotItsValue()
    {
        var result = await StartAsync(new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = "not-a-valid-fernet-key-value",
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "s",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ENCRYPTION_KEY is malformed", result.StandardError, StringComparison.Ordinal);
        SecretAssert.Absent(result.StandardError + result.StandardOutput, "not-a-valid-fernet-key-value", "the key value", "The start-up error");
    }

    [Fact]
    public async Task Start_NoKeycloakSettings_NamesTheMissingVariables()
    {
        var result = await StartAsync(new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = Fernet.GenerateKey() });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("KEYCLOAK_URL", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("BYOK_SIDECAR_SECRET", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidProviderEntry_ExplainsTheCatalogueError()
    {
        var result = await StartAsync(new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "s",
            ["Providers__openai__Auth"] = "basic",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Providers:openai:Auth 'basic'", result.StandardError, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> StartAsync(Dictionary<string, string?> environment)
    {
        // The tests' own environment must not complete the configuration behind their back.
        foreach (var name in new[] { "KEYCLOAK_URL", "BYOK_SIDECAR_SECRET", "Keycloak__Url", "Keycloak__ClientSecret" })
        {
            environment.TryAdd(name, null);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return ProcessRunner.RunSidecarAsync(["--urls", "http://127.0.0.1:0"], environment: environment, cancellationToken: timeout.Token);
    }
}
