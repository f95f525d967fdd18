using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace ByokGateway.Auth;

/// <summary>Reads the <c>kid</c> of a compact JWS without validating or decoding the rest of the token.</summary>
internal static class TokenHeader
{
    private const int MaxHeaderLength = 4096;

    /// <summary>The header's <c>kid</c>, or null when the token has none or is not a JWS at all (validation then rejects it).</summary>
    public static string? Kid(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot > MaxHeaderLength)
        {
            return null;
        }

        var encoded = token.AsSpan(0, dot);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKid = reader.ValueTextEquals("kid"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isKid)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
