using FakeProvider.Chat;

namespace FakeProvider.Anthropic;

/// <summary>Anthropic wire shapes: messages, stream events, models.</summary>
internal static class AnthropicShapes
{
    public const string StopReason = "end_turn";

    // Model timestamps are fixed so list responses are deterministic.
    public const string ModelCreatedAt = "2025-01-01T00:00:00Z";

    public static object Message(string id, string model, string text, int inputTokens, int outputTokens, UsageFault fault) => new
    {
        id,
        type = "message",
        role = "assistant",
        model,
        content = new[] { new { type = "text", text } },
        stop_reason = StopReason,
        stop_sequence = (string?)null,
        usage = Usage(inputTokens, outputTokens, fault),
    };

    /// <summary>
    /// Usage as Anthropic reports it on a message and in <c>message_start</c> (cache counts
    /// included), bent by the <c>x-fake-usage</c> switch; null when the switch says missing.
    /// </summary>
    public static object? Usage(int inputTokens, int outputTokens, UsageFault fault) => fault == UsageFault.Missing ? null : new
    {
        input_tokens = UsageFaults.InputTokens(fault, inputTokens),
        cache_creation_input_tokens = 0,
        cache_read_input_tokens = fault == UsageFault.Cached ? UsageFaults.CachedTokens : 0,
        output_tokens = outputTokens,
    };

    public static object MessageStart(string id, string model, int inputTokens, UsageFault fault) => new
    {
        type = "message_start",
        message = new
        {
            id,
            type = "message",
            role = "assistant",
            model,
            content = Array.Empty<object>(),
            stop_reason = (string?)null,
            stop_sequence = (string?)null,
            usage = Usage(inputTokens, 1, fault),
        },
    };

    public static object ContentBlockStart(int index) => new
    {
        type = "content_block_start",
        index,
        content_block = new { type = "text", text = "" },
    };

    public static object Ping() => new { type = "ping" };

    public static object TextDelta(int index, string text) => new
    {
        type = "content_block_delta",
        index,
        delta = new { type = "text_delta", text },
    };

    public static object ContentBlockStop(int index) => new { type = "content_block_stop", index };

    /// <summary>The closing delta: its <c>usage</c> holds the cumulative output count only, as in Anthropic's streaming docs.</summary>
    public static object MessageDelta(int outputTokens, UsageFault fault) => new
    {
        type = "message_delta",
        delta = new { stop_reason = StopReason, stop_sequence = (string?)null },
        usage = fault == UsageFault.Missing ? null : new { output_tokens = fault == UsageFault.Malformed ? (object)"many" : outputTokens },
    };

    public static object MessageStop() => new { type = "message_stop" };

    public static object Model(string id) => new
    {
        type = "model",
        id,
        display_name = id,
        created_at = ModelCreatedAt,
    };

    public static object ModelList(IReadOnlyList<string> ids) => new
    {
        data = ids.Select(Model).ToArray(),
        has_more = false,
        first_id = ids.Count > 0 ? ids[0] : null,
        last_id = ids.Count > 0 ? ids[^1] : null,
    };
}
