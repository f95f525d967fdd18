using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeProvider.Lago;

/// <summary>
/// Lago's <c>POST /api/v1/events/batch</c> body as the gateway's tests hold it to (the recording Lago
/// server of the gateway's suite checks the same): exactly <c>{"events":[...]}</c> of 1 to 100 events,
/// each with exactly <c>transaction_id</c>, <c>external_subscription_id</c>, <c>code</c> (non-empty
/// strings), <c>timestamp</c> (integer Unix seconds) and <c>properties</c> (a flat object of strings
/// and numbers). Errors come in Lago's <c>error_details</c> shape: <c>{"events":[code]}</c> for the
/// batch, <c>{"&lt;index&gt;":{"&lt;field&gt;":[code]}}</c> for an event.
/// </summary>
internal static class LagoBatchSchema
{
    /// <summary>Lago's <c>LAGO_EVENTS_BATCH_MAX_LENGTH</c> default.</summary>
    public const int MaxEvents = 100;

    private static readonly string[] Fields = ["transaction_id", "external_subscription_id", "code", "timestamp", "properties"];

    /// <summary>The <c>error_details</c> of an invalid body, or null with the events of a valid one.</summary>
    public static JsonObject? Check(JsonNode? body, out IReadOnlyList<JsonObject> events)
    {
        events = [];
        if (body is not JsonObject root || root.Count != 1 || root["events"] is not JsonArray array)
        {
            return new JsonObject { ["events"] = new JsonArray("value_is_mandatory") };
        }

        if (array.Count == 0)
        {
            return new JsonObject { ["events"] = new JsonArray("no_events") };
        }

        if (array.Count > MaxEvents)
        {
            return new JsonObject { ["events"] = new JsonArray("too_many_events") };
        }

        var details = new JsonObject();
        var valid = new List<JsonObject>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject e)
            {
                details[Index(i)] = new JsonObject { ["event"] = new JsonArray("invalid_format") };
                continue;
            }

            var errors = EventErrors(e);
            if (errors.Count > 0)
            {
                details[Index(i)] = errors;
            }

            valid.Add(e);
        }

        if (details.Count > 0)
        {
            return details;
        }

        events = valid;
        return null;
    }

    private static JsonObject EventErrors(JsonObject e)
    {
        var errors = new JsonObject();
        foreach (var unknown in e.Select(p => p.Key).Where(k => !Fields.Contains(k)))
        {
            errors[unknown] = new JsonArray("unknown_field");
        }

        foreach (var field in new[] { "transaction_id", "external_subscription_id", "code" })
        {
            if (e[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(value.GetValue<string>()))
            {
                errors[field] = new JsonArray(e[field] is null ? "value_is_mandatory" : "invalid_format");
            }
        }

        if (e["timestamp"] is not JsonValue timestamp || timestamp.GetValueKind() != JsonValueKind.Number
            || !timestamp.TryGetValue<long>(out var seconds) || seconds is < 1_000_000_000 or > 10_000_000_000)
        {
            errors["timestamp"] = new JsonArray(e["timestamp"] is null ? "value_is_mandatory" : "invalid_format");
        }

        if (e["properties"] is not JsonObject properties
            || properties.Any(p => p.Value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)))
        {
            errors["properties"] = new JsonArray(e["properties"] is null ? "value_is_mandatory" : "invalid_format");
        }

        return errors;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
