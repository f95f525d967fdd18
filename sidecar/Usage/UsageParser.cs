using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ByokGateway.Usage;

/// <summary>
/// Reads usage and model from what <see cref="UsageTap"/> kept of a response (its head and its
/// tail), once, when the call ended. Every provider's shape at once, told apart by field names:
/// OpenAI chat/completions/embeddings (<c>prompt_tokens</c>, <c>completion_tokens</c>,
/// <c>prompt_tokens_details.cached_tokens</c>) and the Responses API (<c>input_tokens</c>,
/// <c>output_tokens</c>, <c>input_tokens_details.cached_tokens</c>), the last <c>usage</c> of a
/// stream; Anthropic (<c>message_start</c>'s <c>usage.input_tokens</c> and
/// <c>cache_read_input_tokens</c>, then <c>message_delta</c>'s cumulative <c>usage.output_tokens</c>);
/// Gemini's <c>usageMetadata</c>. Locating a member by its quoted name is safe on raw bytes: inside
/// a JSON string a quote is always escaped, so <c>"usage"</c> followed by <c>:</c> is a member name.
/// Anything unexpected (not an object, a number that is not a whole count from 0 to
/// <see cref="MaxTokens"/>, JSON cut off) makes the counts unknown; it never throws.
/// </summary>
internal static class UsageParser
{
    /// <summary>Counts above this are not believed (no call uses a billion tokens).</summary>
    public const long MaxTokens = 1_000_000_000;

    /// <summary>Longer model names are not believed either (and would make poor labels).</summary>
    public const int MaxModelLength = 200;

    private static ReadOnlySpan<byte> Usage => "\"usage\""u8;
    private static ReadOnlySpan<byte> UsageMetadata => "\"usageMetadata\""u8;
    private static ReadOnlySpan<byte> Model => "\"model\""u8;
    private static ReadOnlySpan<byte> ModelVersion => "\"modelVersion\""u8;
    private static ReadOnlySpan<byte> MessageStart => "\"message_start\""u8;
    private static ReadOnlySpan<byte> MessageDelta => "\"message_delta\""u8;

    /// <summary>What the parser needs from a response's first bytes: its model and Anthropic's <c>message_start</c>.</summary>
    public readonly struct HeadFacts
    {
        internal HeadFacts(string? model, bool messageStart, Counts startUsage)
        {
            Model = model;
            MessageStart = messageStart;
            StartUsage = startUsage;
        }

        public string? Model { get; }

        internal bool MessageStart { get; }

        internal Counts StartUsage { get; }
    }

    /// <summary>
    /// Reads the head once, so the tap can give its buffer back as soon as the head is complete
    /// instead of holding it for the whole stream.
    /// </summary>
    public static HeadFacts ReadHead(ReadOnlySpan<byte> head, bool eventStream)
    {
        var model = StringValue(head, Model, last: false) ?? StringValue(head, ModelVersion, last: false);
        var start = eventStream ? head.IndexOf(MessageStart) : -1;
        if (start < 0)
        {
            return new HeadFacts(model, messageStart: false, default);
        }

        try
        {
            var startUsage = FirstObject(head[start..], Usage);
            return new HeadFacts(model, messageStart: true, startUsage >= 0 ? Read(head[(start + startUsage)..]) : default);
        }
        catch (JsonException)
        {
            return new HeadFacts(model, messageStart: true, default);
        }
    }

    public static ParsedUsage Parse(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, bool eventStream) =>
        Parse(ReadHead(head, eventStream), tail);

    public static ParsedUsage Parse(in HeadFacts head, ReadOnlySpan<byte> tail)
    {
        var model = head.Model ?? StringValue(tail, Model, last: true) ?? StringValue(tail, ModelVersion, last: true);
        try
        {
            var counts = head.MessageStart ? AnthropicStream(head.StartUsage, tail) : Last(tail);
            return counts is var (input, output, cached) ? new ParsedUsage(model, input, output, cached) : new ParsedUsage(model, null, null, null);
        }
        catch (JsonException)
        {
            return new ParsedUsage(model, null, null, null);
        }
    }

    // The last usage object of a body or stream: OpenAI's and Gemini's totals come last.
    private static (long Input, long Output, long? Cached)? Last(ReadOnlySpan<byte> tail)
    {
        var usage = LastObject(tail, Usage);
        var counts = usage >= 0 ? Read(tail[usage..]) : default;
        if (usage < 0)
        {
            var metadata = LastObject(tail, UsageMetadata);
            if (metadata < 0)
            {
                return null;
            }

            counts = Read(tail[metadata..]);
        }

        return counts.Valid && counts.Input is { } input ? (input, counts.Output ?? 0, counts.Cached) : null;
    }

    // Anthropic streams: no message_delta, no output count (the stream ended early). Input from
    // the delta when it repeats it (newer API versions do), else from message_start.
    private static (long Input, long Output, long? Cached)? AnthropicStream(Counts initial, ReadOnlySpan<byte> tail)
    {
        var delta = tail.LastIndexOf(MessageDelta);
        if (delta < 0)
        {
            return null;
        }

        var at = FirstObject(tail[delta..], Usage);
        if (at < 0)
        {
            return null;
        }

        var final = Read(tail[(delta + at)..]);
        if (!final.Valid || final.Output is not { } output)
        {
            return null;
        }

        if (final.Input is { } repeated)
        {
            return (repeated, output, final.Cached);
        }

        return initial.Valid && initial.Input is { } input ? (input, output, initial.Cached) : null;
    }

    /// <summary>Where the object value of the last member <paramref name="name"/> starts; -1 when there is none.</summary>
    private static int LastObject(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var search = json;
        while (true)
        {
            var at = search.LastIndexOf(name);
            if (at < 0)
            {
                return -1;
            }

            var value = ValueStart(json, at + name.Length);
            if (value >= 0 && json[value] == (byte)'{')
            {
                return value;
            }

            search = search[..at]; // "usage": null (every chunk but the last of an OpenAI stream): look further back
        }
    }

    /// <summary>Where the object value of the first member <paramref name="name"/> starts; -1 when there is none.</summary>
    private static int FirstObject(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var from = 0;
        while (true)
        {
            var at = json[from..].IndexOf(name);
            if (at < 0)
            {
                return -1;
            }

            var value = ValueStart(json, from + at + name.Length);
            if (value >= 0 && json[value] == (byte)'{')
            {
                return value;
            }

            from += at + name.Length;
        }
    }

    // After a member name: whitespace, ':', whitespace; the value's first byte, or -1.
    private static int ValueStart(ReadOnlySpan<byte> json, int index)
    {
        index = SkipWhitespace(json, index);
        if (index >= json.Length || json[index] != (byte)':')
        {
            return -1;
        }

        index = SkipWhitespace(json, index + 1);
        return index < json.Length ? index : -1;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int index)
    {
        while (index < json.Length && json[index] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            index++;
        }

        return index;
    }

    private static string? StringValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, bool last)
    {
        var search = json;
        while (true)
        {
            var at = last ? search.LastIndexOf(name) : search.IndexOf(name);
            if (at < 0)
            {
                return null;
            }

            var value = ValueStart(json, (last ? 0 : json.Length - search.Length) + at + name.Length);
            if (value >= 0 && json[value] == (byte)'"')
            {
                try
                {
                    var reader = new Utf8JsonReader(json[value..], isFinalBlock: true, state: default);
                    if (reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= MaxModelLength * 6)
                    {
                        var model = reader.GetString();
                        return model is { Length: > 0 and <= MaxModelLength } ? model : null;
                    }
                }
                catch (JsonException)
                {
                }

                return null;
            }

            search = last ? search[..at] : search[(at + name.Length)..];
        }
    }

    // The counts of one usage object; Valid false when anything in it is not believable.
    private static Counts Read(ReadOnlySpan<byte> json)
    {
        // Final block: the object must end inside what was kept (a cut-off one throws); reading
        // stops at its end, so what follows it is never looked at.
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        reader.Read(); // the '{' found by ObjectValue
        var counts = new Counts { Valid = true };
        string? parent = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                    return counts;
                case JsonTokenType.EndObject when reader.CurrentDepth == 1:
                    parent = null;
                    continue;
                case JsonTokenType.PropertyName:
                    break;
                default:
                    continue;
            }

            var depth = reader.CurrentDepth;
            var name = depth <= 2 ? reader.GetString() : null;
            reader.Read();

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                parent = depth == 1 ? name : null;
                continue;
            }

            if (reader.TokenType is JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            var key = (depth, parent, name);
            ref var slot = ref counts.Slot(key);
            if (Unsafe.IsNullRef(ref slot))
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var count) || count is < 0 or > MaxTokens)
            {
                return default;
            }

            slot = (slot ?? 0) + count;
        }

        return default;
    }

    internal struct Counts
    {
        public bool Valid;
        public long? Input;
        public long? Output;
        public long? Cached;
        private long? _ignored;

        // Which count a member adds to; a null ref for members that are not counts.
        [UnscopedRef]
        public ref long? Slot((int Depth, string? Parent, string? Name) member)
        {
            switch (member)
            {
                case (1, _, "prompt_tokens" or "input_tokens" or "promptTokenCount"):
                    return ref Input;
                case (1, _, "completion_tokens" or "output_tokens" or "candidatesTokenCount" or "thoughtsTokenCount"):
                    return ref Output;
                case (1, _, "cache_read_input_tokens" or "cachedContentTokenCount"):
                case (2, "prompt_tokens_details" or "input_tokens_details", "cached_tokens"):
                    return ref Cached;
                case (1, _, "total_tokens" or "totalTokenCount" or "cache_creation_input_tokens"):
                    return ref _ignored; // checked like the counts, not stored
                default:
                    return ref Unsafe.NullRef<long?>();
            }
        }
    }
}
