using System.CommandLine;
using ByokGateway.Crypto;

namespace ByokGateway.Cli;

/// <summary><c>encrypt</c> and <c>decrypt</c>: one value on stdin, the result on stdout.</summary>
public static class CryptCommands
{
    public static Command CreateEncrypt()
    {
        var command = new Command("encrypt", "Encrypt one value read from stdin with the first key of ENCRYPTION_KEY(S); prints the Fernet token.");
        command.SetAction(async (_, cancellationToken) => await RunAsync(ring => ring.Encrypt(Strip(Console.In.ReadToEnd())), cancellationToken));
        return command;
    }

    public static Command CreateDecrypt()
    {
        var command = new Command("decrypt", "Decrypt one Fernet token read from stdin with any key of ENCRYPTION_KEY(S); prints the plaintext.");
        command.SetAction(async (_, cancellationToken) => await RunAsync(
            ring => ring.TryDecrypt(Console.In.ReadToEnd().Trim(), out var plaintext)
                ? plaintext
                : throw new InvalidFernetTokenException("the input is not a valid Fernet token for the configured key(s)."),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Func<KeyRing, string> transform, CancellationToken cancellationToken)
    {
        try
        {
            using var ring = EncryptionExtensions.CreateKeyRing(
                new EncryptionOptions
                {
                    Key = Environment.GetEnvironmentVariable("ENCRYPTION_KEY"),
                    Keys = Environment.GetEnvironmentVariable("ENCRYPTION_KEYS"),
                },
                TimeProvider.System);
            var output = transform(ring);
            await Console.Out.WriteLineAsync(output.AsMemory(), cancellationToken);
            return 0;
        }
        catch (Exception e) when (e is EncryptionKeyException or InvalidFernetTokenException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    /// <summary>Drops the one line break a shell pipe adds (<c>echo value |</c>), nothing else.</summary>
    private static string Strip(string input) =>
        input.EndsWith("\r\n", StringComparison.Ordinal) ? input[..^2] : input.EndsWith('\n') ? input[..^1] : input;
}
