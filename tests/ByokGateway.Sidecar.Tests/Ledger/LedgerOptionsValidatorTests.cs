using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Ledger;

/// <summary>Ledger settings the gateway cannot work with stop it at start-up with a message naming the setting.</summary>
public sealed class LedgerOptionsValidatorTests
{
    [Fact]
    public async Task Start_DataDirectoryNotWritable_ExitsNamingTheSetting()
    {
        var file = Path.GetTempFileName();
        try
        {
            // A directory inside a regular file cannot be created, whoever runs the test (root too).
            var result = await StartAsync(new Dictionary<string, string?> { ["Ledger__DataDirectory"] = Path.Combine(file, "ledger") });

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("Ledger:DataDirectory", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("cannot be written", result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Start_MalformedPostgresConnectionString_ExitsWithoutEchoingIt()
    {
        var result = await StartAsync(new Dictionary<string, string?>
        {
            ["Ledger__PostgresConnectionString"] = "Host=db;Password=pw-not-for-logs-42;Colour Of Sky=blue",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Ledger:PostgresConnectionString cannot be read", result.StandardError, StringComparison.Ordinal);
        SecretAssert.Absent(result.StandardError + result.StandardOutput, "pw-not-for-logs-42", "the connection string's password", "The start-up error");
    }

    private static Task<ProcessResult> StartAsync(Dictionary<string, string?> environment)
    {
        environment["ENCRYPTION_KEY"] = Fernet.GenerateKey();
        environment["Keycloak__Url"] = "http://127.0.0.1:1";
        environment["Keycloak__ClientSecret"] = "s";
        environment["KEYCLOAK_URL"] = null;
        environment["BYOK_SIDECAR_SECRET"] = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return ProcessRunner.RunSidecarAsync(["--urls", "http://127.0.0.1:0"], environment: environment, cancellationToken: timeout.Token);
    }
}
