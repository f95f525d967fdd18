using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ByokGateway.Providers;

namespace ByokGateway.Unified;

/// <summary>The one change the unified endpoint makes to a request body: the <c>model</c> value loses its provider prefix.</summary>
internal static class ModelRewrite
{
    // Only what JSON requires is escaped in a re-encoded model name (non-ASCII stays as it was).
    private static readonly JsonSerializerOptions ModelJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Cuts the provider prefix out of the model value. It is almost always written literally, so
    /// its bytes are simply left out and the rest of the value stays as the client wrote it; a
    /// prefix written with JSON escapes gets the whole value re-encoded.
    /// </summary>
    public static SplicedRequestBody Splice(BodyPrefix prefix, ModelScan scan, Provider provider, int prefixLength, Stream rest)
    {
        if (prefixLength == 0)
        {
            return new SplicedRequestBody(prefix, scan.TokenStart, scan.TokenStart, ReadOnlyMemory<byte>.Empty, rest);
        }

        var valueStart = scan.TokenStart + 1;
        Span<byte> written = stackalloc byte[prefixLength];
        if (prefix.CopyTo(valueStart, valueStart + prefixLength, written) == prefixLength && IsLiteralPrefix(written, provider.Id))
        {
            return new SplicedRequestBody(prefix, valueStart, valueStart + prefixLength, ReadOnlyMemory<byte>.Empty, rest);
        }

        var replacement = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(scan.Model![prefixLength..], ModelJson));
        return new SplicedRequestBody(prefix, scan.TokenStart, scan.TokenEnd, replacement, rest);
    }

    private static bool IsLiteralPrefix(ReadOnlySpan<byte> written, string id)
    {
        if (written.Length != id.Length + 1 || written[^1] != (byte)'/')
        {
            return false;
        }

        // Provider ids are ASCII (lower-case letters, digits, '-').
        for (var i = 0; i < id.Length; i++)
        {
            if (written[i] != id[i])
            {
                return false;
            }
        }

        return true;
    }
}
