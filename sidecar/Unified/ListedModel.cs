using System.Text.Json.Serialization;

namespace ByokGateway.Unified;

/// <summary>One entry of <c>GET /v1/models</c>, in OpenAI's model shape; <see cref="Id"/> carries the <c>&lt;provider&gt;/</c> prefix.</summary>
public sealed record ListedModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy)
{
    [JsonPropertyName("object")]
    public string Kind => "model";
}
