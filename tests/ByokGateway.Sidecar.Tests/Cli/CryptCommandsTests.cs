using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Cli;

/// <summary>The operator commands, run as the real binary in a separate process.</summary>
public sealed class CryptCommandsTests
{
    private const string Secret = "sk-cli-0123456789abcdefghijklmnop";

    [Fact]
    public async Task GenerateKey_Run_PrintsAUsableKeyAsLastLine()
    {
        var result = await ProcessRunner.RunSidecarAsync(["generate-key"]);

        Assert.Equal(0, result.ExitCode);
        var key = result.StandardOutput.TrimEnd().Split('\n')[^1];
        using var fernet = Fernet.FromBase64Key(key);
        Assert.NotNull(fernet);
    }

    [Fact]
    public async Task Encrypt_ValueOnStdin_PrintsTokenPythonDecrypts()
    {
        var key = Fernet.GenerateKey();

        var result = await ProcessRunner.RunSidecarAsync(["encrypt"], Secret + "\n", Env(key));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Secret, await PythonFernet.DecryptAsync(key, result.StandardOutput.Trim()));
    }

    [Fact]
    public async Task Decrypt_PythonToken_PrintsPlaintext()
    {
        var key = Fernet.GenerateKey();
        var token = await PythonFernet.EncryptAsync(key, Secret);

        var result = await ProcessRunner.RunSidecarAsync(["decrypt"], token + "\n", Env(key));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Secret, result.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Decrypt_WithKeyList_ReadsTokenOfOlderKey()
    {
        var oldKey = Fernet.GenerateKey();
        var token = await PythonFernet.EncryptAsync(oldKey, Secret);
        var environment = new Dictionary<string, string?> { ["ENCRYPTION_KEYS"] = $"{Fernet.GenerateKey()},{oldKey}" };

        var result = await ProcessRunner.RunSidecarAsync(["decrypt"], token, environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Secret, result.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Decrypt_InvalidToken_ExitsNonZeroWithOneLineError()
    {
        var result = await ProcessRunner.RunSidecarAsync(["decrypt"], "gAAAAABnot-a-token", Env(Fernet.GenerateKey()));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(string.Empty, result.StandardOutput);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.StartsWith("error:", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encrypt")]
    [InlineData("decrypt")]
    public async Task Command_NoKeyConfigured_ExitsNonZeroAndSaysHowToGenerateOne(string command)
    {
        var result = await ProcessRunner.RunSidecarAsync([command], "value");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.Contains("generate-key", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypt_MalformedKey_ExitsNonZeroWithoutEchoingTheKey()
    {
        var result = await ProcessRunner.RunSidecarAsync(["encrypt"], "value", Env("this-is-not-a-fernet-key"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ENCRYPTION_KEY is malformed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("this-is-not-a-fernet-key", result.StandardError, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Env(string key) => new() { ["ENCRYPTION_KEY"] = key };
}
