namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// Python's <c>cryptography.fernet</c> (Debian's python3-cryptography under /usr/bin/python3),
/// the implementation the stored data must stay compatible with. Keys and values travel through
/// the environment and stdin, never the command line.
/// </summary>
public static class PythonFernet
{
    private const string Python = "/usr/bin/python3";

    public static Task<string> EncryptAsync(string key, string plaintext) =>
        RunAsync("import os,sys\nfrom cryptography.fernet import Fernet\nsys.stdout.write(Fernet(os.environ['K'].encode()).encrypt(sys.stdin.buffer.read()).decode())", key, plaintext);

    public static Task<string> DecryptAsync(string key, string token) =>
        RunAsync("import os,sys\nfrom cryptography.fernet import Fernet\nsys.stdout.write(Fernet(os.environ['K'].encode()).decrypt(sys.stdin.read().strip().encode()).decode())", key, token);

    /// <summary>MultiFernet with the comma-separated keys, like ENCRYPTION_KEYS.</summary>
    public static Task<string> MultiDecryptAsync(string keys, string token) =>
        RunAsync("import os,sys\nfrom cryptography.fernet import Fernet, MultiFernet\nm=MultiFernet([Fernet(k.encode()) for k in os.environ['K'].split(',')])\nsys.stdout.write(m.decrypt(sys.stdin.read().strip().encode()).decode())", keys, token);

    /// <summary>Python's verdict on a token: "ok" or "invalid".</summary>
    public static Task<string> VerdictAsync(string key, string token) =>
        RunAsync("import os,sys\nfrom cryptography.fernet import Fernet, InvalidToken\ntry:\n  Fernet(os.environ['K'].encode()).decrypt(sys.stdin.read().encode()); print('ok', end='')\nexcept InvalidToken:\n  print('invalid', end='')", key, token);

    private static async Task<string> RunAsync(string script, string key, string input)
    {
        var result = await ProcessRunner.RunAsync(Python, ["-c", script], input, new Dictionary<string, string?> { ["K"] = key });
        if (result.ExitCode != 0)
        {
            // Only the exception type: a traceback could quote inputs.
            var lastLine = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
            throw new InvalidOperationException($"{Python} failed (exit {result.ExitCode}): {lastLine.Split(':')[0]}. Is python3-cryptography installed?");
        }

        return result.StandardOutput;
    }
}
