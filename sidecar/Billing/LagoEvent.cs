using System.Text.Json.Serialization;

namespace ByokGateway.Billing;

/// <summary>
/// One usage event as Lago's <c>POST /api/v1/events/batch</c> takes it: <c>timestamp</c> in Unix
/// seconds, <c>properties</c> a flat object the billable metric aggregates.
/// </summary>
public sealed record LagoEvent(
    [property: JsonPropertyName("transaction_id")] string TransactionId,
    [property: JsonPropertyName("external_subscription_id")] string ExternalSubscriptionId,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("properties")] IReadOnlyDictionary<string, object> Properties);
