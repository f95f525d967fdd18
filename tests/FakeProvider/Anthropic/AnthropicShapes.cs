namespace FakeProvider.Anthropic;

/// <summary>Anthropic wire shapes: messages, stream events, models.</summary>
internal static class AnthropicShapes
{
    public const string StopReason = "end_turn";

    // Model timestamps are fixed so list responses are deterministic.
    public const string ModelCreatedAt = "2025-01-01T00:00:00Z";

    public static object Message(string id, string model, string text, int inputTokens, int outputTokens) => new
    {
        id,
        type = "message",
        role = "assistant",
        model,
        content = new[] { new { type = "text", text } },
        stop_reason = StopReason,
        stop_sequence = (string?)null,
        usage = new { input_tokens = inputTokens, output_tokens = outputTokens },
    };

    public static object MessageStart(string id, string model, int inputTokens) => new
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
            usage = new { input_tokens = inputTokens, output_tokens = 1 },
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

    public static object MessageDelta(int inputTokens, int outputTokens) => new
    {
        type = "message_delta",
        delta = new { stop_reason = StopReason, stop_sequence = (string?)null },
        usage = new { input_tokens = inputTokens, output_tokens = outputTokens },
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
