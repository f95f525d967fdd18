using System.Text.Json.Nodes;

namespace FakeProvider.Tests.Support;

public sealed record SseEvent(string? Event, string Data)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(Data)!;
}
