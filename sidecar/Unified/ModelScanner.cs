using System.Text.Json;

namespace ByokGateway.Unified;

/// <summary>
/// Finds the top-level <c>model</c> of a JSON request body, reading it only as far as needed: a
/// <see cref="Utf8JsonReader"/> over the pooled <see cref="BodyPrefix"/>, resumed as more arrives.
/// Members inside other members (a <c>model</c> in <c>metadata</c> or in a message) do not count;
/// of two top-level <c>model</c> members the first decides, and nothing after it is read, because
/// the body after it is forwarded as it comes. Nothing is decoded but the model string.
/// </summary>
internal static class ModelScanner
{
    /// <summary>Longest model value accepted, in JSON bytes; real names are tens of characters.</summary>
    public const int MaxModelBytes = 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static async ValueTask<ModelScan> ScanAsync(BodyPrefix prefix, Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var state = new ScanState();
        long parseAt = 1;
        while (true)
        {
            if (!prefix.Complete && prefix.Length < parseAt)
            {
                if (prefix.Length >= maxBytes)
                {
                    return new ModelScan(ModelScanOutcome.TooFar);
                }

                await prefix.ReadAsync(body, cancellationToken);
                continue;
            }

            if (Parse(prefix, state) is { } result)
            {
                return result;
            }

            if (prefix.Complete)
            {
                return new ModelScan(ModelScanOutcome.NotJson);
            }

            // A token (a long base64 image string, say) is still incomplete: parse again once the
            // unparsed part has doubled, not after every read, so a token of N bytes costs O(N)
            // of parsing rather than O(N^2).
            parseAt = prefix.Length + Math.Max(prefix.Length - state.Consumed, 1);
        }
    }

    // Null when the reader needs more bytes; its position and state are kept in `state`.
    private static ModelScan? Parse(BodyPrefix prefix, ScanState state)
    {
        var reader = new Utf8JsonReader(prefix.Slice(state.Consumed), prefix.Complete, state.Reader);
        try
        {
            while (reader.Read())
            {
                if (state.ModelIsNext)
                {
                    return ModelValue(ref reader, state.Consumed);
                }

                if (reader.CurrentDepth == 0 && reader.TokenType != JsonTokenType.StartObject)
                {
                    // Either the root is not an object, or it just ended without a model.
                    return new ModelScan(reader.TokenType == JsonTokenType.EndObject ? ModelScanOutcome.Missing : ModelScanOutcome.NotObject);
                }

                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("model"u8))
                {
                    state.ModelIsNext = true;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the model string is not valid UTF-8.
            return new ModelScan(ModelScanOutcome.NotJson);
        }

        state.Consumed += reader.BytesConsumed;
        state.Reader = reader.CurrentState;
        return null;
    }

    private static ModelScan ModelValue(ref Utf8JsonReader reader, long offset)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return new ModelScan(ModelScanOutcome.NotString);
        }

        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxModelBytes)
        {
            return new ModelScan(ModelScanOutcome.TooLong);
        }

        // A string token starts at its opening quote; the raw value sits between the quotes.
        var start = offset + reader.TokenStartIndex;
        return new ModelScan(ModelScanOutcome.Found, reader.GetString(), start, start + length + 2);
    }

    private sealed class ScanState
    {
        public JsonReaderState Reader { get; set; } = new(ReaderOptions);

        /// <summary>Bytes of the prefix the reader has fully parsed.</summary>
        public long Consumed { get; set; }

        /// <summary>The last token was the top-level property name <c>model</c>; its value comes next.</summary>
        public bool ModelIsNext { get; set; }
    }
}
