using System.Text.Json.Nodes;

namespace FakeProvider.Lago;

/// <summary>
/// <c>GET /lago/events</c>: the stored events, oldest first, and how many events were refused for a
/// <c>transaction_id</c> already stored (a repeat: the gateway sent a call twice).
/// </summary>
internal sealed record LagoEventsListing(int Count, int Repeats, IReadOnlyList<JsonObject> Events);
