using System.Globalization;
using System.Text;

namespace ByokGateway.GatewayKeys;

/// <summary>The rules of DESIGN.md §10 for a new gateway key's name and lifetime.</summary>
public static class GatewayKeyValidator
{
    public const int MaxNameLength = 100;
    public const int DefaultExpiryDays = 90;
    public const int MaxExpiryDays = 365;

    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>Problems with a name, in words a user can act on; empty when it is acceptable.</summary>
    public static IEnumerable<string> ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            yield return "The name must not be empty; name the tool or machine the key is for.";
            yield break;
        }

        if (name.Length > MaxNameLength)
        {
            yield return $"The name must be at most {MaxNameLength} characters; this one has {name.Length}.";
        }

        if (!IsPrintable(name))
        {
            yield return "The name must contain printable characters only (no line breaks, tabs or other control characters).";
        }
    }

    public static IEnumerable<string> ValidateExpiry(int days)
    {
        if (days is < 1 or > MaxExpiryDays)
        {
            yield return $"'expires_in_days' must be from 1 to {MaxExpiryDays}; leave it out for {DefaultExpiryDays} days.";
        }
    }

    // Control and format characters (bidi overrides, zero-width ones) would let a name look like
    // another in the Account Console; broken surrogate pairs are not text at all. The zero-width
    // joiner stays allowed: emoji such as the technologist are built with it.
    private static bool IsPrintable(string name)
    {
        var rest = name.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            if (rune.Value != ZeroWidthJoiner && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }
}
