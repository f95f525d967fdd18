using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeProvider.Chat;

/// <summary>
/// What the fake needs from an OpenAI chat completion or Anthropic messages request; both put
/// the conversation in <c>messages</c> with string or text-block content.
/// </summary>
internal sealed record ChatRequest(string Model, bool Stream, bool IncludeUsage, string LastUserText, int PromptTokens)
{
    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    public static bool TryParse(string body, [NotNullWhen(true)] out ChatRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            error = "The request body is not valid JSON.";
            return false;
        }

        if (root is not JsonObject json)
        {
            error = "The request body must be a JSON object.";
            return false;
        }

        if (json["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || model.Length == 0)
        {
            error = "model: a model name is required.";
            return false;
        }

        if (json["messages"] is not JsonArray messages)
        {
            error = "messages: an array of messages is required.";
            return false;
        }

        var texts = messages.OfType<JsonObject>().Select(m => (Role: StringOf(m["role"]), Text: TextOf(m["content"]))).ToList();
        var lastUserText = texts.LastOrDefault(m => m.Role == "user").Text ?? "";
        var promptTokens = FakeReply.CountTokens(string.Join(' ', texts.Select(m => m.Text).Prepend(TextOf(json["system"]))));

        request = new ChatRequest(
            model,
            Stream: IsTrue(json["stream"]),
            IncludeUsage: IsTrue((json["stream_options"] as JsonObject)?["include_usage"]),
            lastUserText,
            promptTokens);
        error = null;
        return true;
    }

    private static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // Content is a string, or an array of parts/blocks of which the text ones count.
    private static string TextOf(JsonNode? content) => content switch
    {
        JsonValue => StringOf(content) ?? "",
        JsonArray parts => string.Join(' ', parts.OfType<JsonObject>()
            .Where(p => StringOf(p["type"]) == "text")
            .Select(p => StringOf(p["text"]) ?? "")),
        _ => "",
    };
}
