using System.Buffers;
using System.Buffers.Text;

namespace ByokGateway.Crypto;

/// <summary>
/// The url-safe base64 of Python's <c>base64.urlsafe_b64encode</c>: '-' and '_' for '+' and '/',
/// always padded with '='. Decoding is strict: anything Python would not produce is refused.
/// </summary>
internal static class FernetBase64
{
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var length = Base64.GetMaxEncodedToUtf8Length(data.Length);
        return string.Create(length, data.ToArray(), static (chars, bytes) =>
        {
            Convert.TryToBase64Chars(bytes, chars, out _);
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = chars[i] switch { '+' => '-', '/' => '_', var c => c };
            }
        });
    }

    public static int MaxDecodedLength(int encodedLength) => encodedLength / 4 * 3;

    public static byte[]? Decode(string text)
    {
        var buffer = new byte[MaxDecodedLength(text.Length)];
        return TryDecode(text, buffer, out var length) ? buffer[..length] : null;
    }

    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        var rented = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            var standard = rented.AsSpan(0, text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                standard[i] = c switch
                {
                    '-' => '+',
                    '_' => '/',
                    // Only the url-safe alphabet: the standard '+' and '/', whitespace (which
                    // Convert would skip) and anything else are refused.
                    >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                    '=' when i >= text.Length - 2 => c,
                    _ => '\0',
                };
                if (standard[i] == '\0')
                {
                    return false;
                }
            }

            return Convert.TryFromBase64Chars(standard, destination, out written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
