using FakeProvider.Chat;

namespace FakeProvider.OpenAi;

/// <summary>OpenAI wire shapes: chat completions, stream chunks, models.</summary>
internal static class OpenAiShapes
{
    public const string OwnedBy = "fake-provider";

    public static object Completion(string id, long created, string model, string content, object? usage, string fingerprint) => new
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
        usage,
        system_fingerprint = fingerprint,
    };

    /// <summary>
    /// One streamed delta. With <c>include_usage</c> every chunk carries <c>"usage": null</c>
    /// and only the extra final chunk (<see cref="UsageChunk"/>) has the numbers.
    /// </summary>
    public static object Chunk(string id, long created, string model, object delta, string? finishReason, bool includeUsage, string fingerprint)
    {
        var choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finishReason } };
        return includeUsage
            ? new { id, @object = "chat.completion.chunk", created, model, system_fingerprint = fingerprint, choices, usage = (object?)null }
            : new { id, @object = "chat.completion.chunk", created, model, system_fingerprint = fingerprint, choices };
    }

    public static object UsageChunk(string id, long created, string model, object usage, string fingerprint) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        system_fingerprint = fingerprint,
        choices = Array.Empty<object>(),
        usage,
    };

    public static object Model(string id, long created) => new { id, @object = "model", created, owned_by = OwnedBy };

    public static object ModelList(IEnumerable<string> ids, long created) => new
    {
        @object = "list",
        data = ids.Select(id => Model(id, created)).ToArray(),
    };

    /// <summary>A legacy text completion, or one streamed piece of it (<c>finish_reason</c> null until the last).</summary>
    public static object TextCompletion(string id, long created, string model, string text, string? finishReason, string fingerprint, object? usage) => new
    {
        id,
        @object = "text_completion",
        created,
        model,
        system_fingerprint = fingerprint,
        choices = new[] { new { text, index = 0, logprobs = (object?)null, finish_reason = finishReason } },
        usage,
    };

    public static object Embeddings(string model, IEnumerable<object> vectors, int promptTokens) => new
    {
        @object = "list",
        data = vectors.Select((embedding, index) => new { @object = "embedding", index, embedding }).ToArray(),
        model,
        usage = new { prompt_tokens = promptTokens, total_tokens = promptTokens },
    };

    public static object Usage(int promptTokens, int completionTokens) => Usage(promptTokens, completionTokens, UsageFault.None)!;

    /// <summary>
    /// Chat usage as OpenAI reports it (<c>prompt_tokens_details</c> and <c>completion_tokens_details</c>
    /// included), bent by the <c>x-fake-usage</c> switch; null when the switch says missing.
    /// </summary>
    public static object? Usage(int promptTokens, int completionTokens, UsageFault fault) => fault == UsageFault.Missing ? null : new
    {
        prompt_tokens = UsageFaults.InputTokens(fault, promptTokens),
        completion_tokens = completionTokens,
        total_tokens = promptTokens + completionTokens,
        prompt_tokens_details = new { cached_tokens = fault == UsageFault.Cached ? UsageFaults.CachedTokens : 0, audio_tokens = 0 },
        completion_tokens_details = new { reasoning_tokens = 0, audio_tokens = 0, accepted_prediction_tokens = 0, rejected_prediction_tokens = 0 },
    };
}
