namespace ByokGateway.Crypto;

/// <summary>
/// Key material, read from the environment variables the Python service used:
/// <c>ENCRYPTION_KEY</c> (one key) or <c>ENCRYPTION_KEYS</c> (comma-separated; the first
/// encrypts, all decrypt).
/// </summary>
public sealed class EncryptionOptions
{
    /// <summary>One url-safe base64 Fernet key (<c>ENCRYPTION_KEY</c>).</summary>
    public string? Key { get; set; }

    /// <summary>Comma-separated Fernet keys, newest first (<c>ENCRYPTION_KEYS</c>).</summary>
    public string? Keys { get; set; }

    internal const string HowToGenerate =
        "Generate a key with 'byok-sidecar generate-key' (from a checkout: 'dotnet run --project sidecar/ByokGateway.Sidecar.csproj -- generate-key') "
        + "and set ENCRYPTION_KEY, or ENCRYPTION_KEYS=<new>,<old> to rotate.";

    /// <summary>The keys in order, or a message an operator can act on.</summary>
    internal (IReadOnlyList<string> Keys, string? Error) Resolve()
    {
        var single = Key?.Trim();
        var list = (Keys ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        var hasList = !string.IsNullOrWhiteSpace(Keys);

        if (!hasList && string.IsNullOrEmpty(single))
        {
            return ([], "No encryption key is configured: ENCRYPTION_KEY and ENCRYPTION_KEYS are both unset. " + HowToGenerate);
        }

        if (hasList && list.Any(string.IsNullOrEmpty))
        {
            return ([], "ENCRYPTION_KEYS contains an empty entry; it must be a comma-separated list of keys, newest first. " + HowToGenerate);
        }

        if (hasList && !string.IsNullOrEmpty(single) && !list.Contains(single))
        {
            return ([], "ENCRYPTION_KEY and ENCRYPTION_KEYS are both set and ENCRYPTION_KEY is not one of ENCRYPTION_KEYS. "
                + "Keep only ENCRYPTION_KEYS=<new>,<old> while rotating.");
        }

        return (hasList ? list : [single!], null);
    }
}
