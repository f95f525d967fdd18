using ByokGateway.Providers;

namespace ByokGateway.Keys;

/// <summary>The rules of DESIGN.md §5 for provider keys and labels.</summary>
public static class KeyValidator
{
    public const int MinKeyLength = 10;
    public const int MaxKeyLength = 1024;
    public const int MaxLabelLength = 100;

    /// <summary>Problems with a key, in words a user can act on; empty when it is acceptable.</summary>
    public static IEnumerable<string> ValidateKey(string key, Provider provider)
    {
        if (key.Length is < MinKeyLength or > MaxKeyLength)
        {
            yield return $"The key must be {MinKeyLength} to {MaxKeyLength} characters long; this one has {key.Length}.";
        }

        // Whitespace and control characters anywhere would end up in an HTTP header upstream
        // (header injection) and are never part of a real key: a pasted newline is the usual cause.
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            yield return "The key must not contain spaces, line breaks or other control characters; check for a trailing newline from copy and paste.";
        }
        else if (key.Any(c => c > '\u007e'))
        {
            yield return "The key must contain only printable ASCII characters.";
        }

        if (provider.KeyPrefix is { } prefix && !key.StartsWith(prefix, StringComparison.Ordinal))
        {
            yield return $"{provider.Name} keys start with '{prefix}'.";
        }
    }

    public static IEnumerable<string> ValidateLabel(string label)
    {
        if (label.Length > MaxLabelLength)
        {
            yield return $"The label must be at most {MaxLabelLength} characters; this one has {label.Length}.";
        }

        if (label.Any(char.IsControl))
        {
            yield return "The label must contain printable characters only.";
        }
    }
}
