using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeProvider.Compat;

/// <summary>
/// What the fake needs from a legacy completion (<c>prompt</c>) or embeddings (<c>input</c>)
/// request: the model and the texts (a string or an array of strings; token arrays count as one
/// text each), whether to stream, and the embeddings encoding.
/// </summary>
internal sealed record CompatRequest(string Model, IReadOnlyList<string> Texts, bool Stream, bool Base64)
{
    public static bool TryParse(string body, string textMember, [NotNullWhen(true)] out CompatRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            error = "The request body must be a JSON object.";
            return false;
        }

        if (json["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || model.Length == 0)
        {
            error = "model: a model name is required.";
            return false;
        }

        IReadOnlyList<string>? texts = json[textMember] switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => [text],
            JsonArray items => [.. items.Select(i => i is JsonValue v && v.TryGetValue<string>(out var t) ? t : i?.ToJsonString() ?? "")],
            _ => null,
        };
        if (texts is null || texts.Count == 0)
        {
            error = $"{textMember}: a string or an array of strings is required.";
            return false;
        }

        request = new CompatRequest(
            model,
            texts,
            Stream: json["stream"]?.GetValueKind() == JsonValueKind.True,
            Base64: json["encoding_format"] is JsonValue format && format.TryGetValue<string>(out var f) && f == "base64");
        error = null;
        return true;
    }
}
