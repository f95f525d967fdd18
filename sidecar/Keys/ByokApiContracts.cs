using System.Text.Json.Serialization;

namespace ByokGateway.Keys;

// Field names are a contract shared with clients of the Python service (DESIGN.md §5).

public sealed record ProviderResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("key_format")] string? KeyFormat,
    [property: JsonPropertyName("configured")] bool Configured);

public sealed record KeyResponse(
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("provider_name")] string ProviderName,
    [property: JsonPropertyName("key_preview")] string KeyPreview,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("added_date")] string? AddedDate,
    [property: JsonPropertyName("last_tested")] string? LastTested,
    [property: JsonPropertyName("test_status")] string? TestStatus);

public sealed record AddKeyRequest(
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("endpoint")] string? Endpoint);

public sealed record AddKeyResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("provider_name")] string ProviderName);

public sealed record DeleteKeyResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("provider")] string Provider);

/// <summary>
/// <c>saved</c> is an addition to the Python service's fields: false when the result could not be
/// stored (Keycloak became unreachable after the test), which <c>message</c> also says.
/// </summary>
public sealed record TestKeyResponse(
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details")] string Details,
    [property: JsonPropertyName("saved")] bool Saved);

/// <summary>
/// <c>byok_allowed</c> and <c>required_tier</c> are additions to the Python service's fields so the
/// Account Console can explain a tier limit before the user tries to add a key; the <c>month_*</c>
/// fields (issue 13) are the caller's calls and tokens of the current UTC month, from the ledger
/// (tokens of calls whose usage was unknown are not in them).
/// </summary>
public sealed record StatsResponse(
    [property: JsonPropertyName("total_providers")] int TotalProviders,
    [property: JsonPropertyName("configured_providers")] int ConfiguredProviders,
    [property: JsonPropertyName("tested_providers")] int TestedProviders,
    [property: JsonPropertyName("valid_providers")] int ValidProviders,
    [property: JsonPropertyName("user_tier")] string UserTier,
    [property: JsonPropertyName("byok_allowed")] bool ByokAllowed,
    [property: JsonPropertyName("required_tier")] string RequiredTier,
    [property: JsonPropertyName("month_requests")] long MonthRequests,
    [property: JsonPropertyName("month_input_tokens")] long MonthInputTokens,
    [property: JsonPropertyName("month_output_tokens")] long MonthOutputTokens);
