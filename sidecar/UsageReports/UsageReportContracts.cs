using System.Text.Json.Serialization;

namespace ByokGateway.UsageReports;

// Field names are the contract of DESIGN.md §12 (GET /api/v1/byok/usage).

/// <summary>The caller's usage over <c>from</c>..<c>to</c> (UTC days, both included).</summary>
public sealed record UsageReportResponse(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("total")] UsageTotalResponse Total,
    [property: JsonPropertyName("rows")] IReadOnlyList<UsageRowResponse> Rows);

public sealed record UsageTotalResponse(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens);

/// <summary>One day of calls to one model with one kind of key; <c>model</c> is null when the gateway could not tell.</summary>
public sealed record UsageRowResponse(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("key_source")] string KeySource,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens);
