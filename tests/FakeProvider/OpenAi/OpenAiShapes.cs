namespace FakeProvider.OpenAi;

/// <summary>OpenAI wire shapes: chat completions, stream chunks, models.</summary>
internal static class OpenAiShapes
{
    public const string OwnedBy = "fake-provider";

    public static object Completion(string id, long created, string model, string content, int promptTokens, int completionTokens) => new
    {
        id,
        @object = "chat.completion",
        created,
        model,
        choices = new[]
        {
            new
            {
                index = 0,
                message = new { role = "assistant", content, refusal = (string?)null },
                logprobs = (object?)null,
                finish_reason = "stop",
            },
        },
        usage = Usage(promptTokens, completionTokens),
        system_fingerprint = (string?)null,
    };

    /// <summary>
    /// One streamed delta. With <c>include_usage</c> every chunk carries <c>"usage": null</c>
    /// and only the extra final chunk (<see cref="UsageChunk"/>) has the numbers.
    /// </summary>
    public static object Chunk(string id, long created, string model, object delta, string? finishReason, bool includeUsage)
    {
        var choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finishReason } };
        return includeUsage
            ? new { id, @object = "chat.completion.chunk", created, model, system_fingerprint = (string?)null, choices, usage = (object?)null }
            : new { id, @object = "chat.completion.chunk", created, model, system_fingerprint = (string?)null, choices };
    }

    public static object UsageChunk(string id, long created, string model, int promptTokens, int completionTokens) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        system_fingerprint = (string?)null,
        choices = Array.Empty<object>(),
        usage = Usage(promptTokens, completionTokens),
    };

    public static object Model(string id, long created) => new { id, @object = "model", created, owned_by = OwnedBy };

    public static object ModelList(IEnumerable<string> ids, long created) => new
    {
        @object = "list",
        data = ids.Select(id => Model(id, created)).ToArray(),
    };

    private static object Usage(int promptTokens, int completionTokens) => new
    {
        prompt_tokens = promptTokens,
        completion_tokens = completionTokens,
        total_tokens = promptTokens + completionTokens,
    };
}
