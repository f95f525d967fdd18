using System.Text.Json.Serialization;

namespace ByokGateway.Unified;

/// <summary>OpenAI's list shape: <c>{"object": "list", "data": [...]}</c>.</summary>
public sealed record ModelListResponse([property: JsonPropertyName("data")] IReadOnlyList<ListedModel> Data)
{
    [JsonPropertyName("object")]
    public string Kind => "list";
}
