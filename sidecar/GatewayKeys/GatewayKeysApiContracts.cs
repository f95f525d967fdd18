using System.Text.Json.Serialization;

namespace ByokGateway.GatewayKeys;

// Field names are a contract (DESIGN.md §10), shared with the Account Console page.

public sealed record CreateGatewayKeyRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("expires_in_days")] int? ExpiresInDays);

/// <summary>The only answer that ever carries the key itself.</summary>
public sealed record CreateGatewayKeyResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("expires")] string Expires);

public sealed record GatewayKeyResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("token_preview")] string TokenPreview,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("expires")] string Expires,
    [property: JsonPropertyName("last_used")] string? LastUsed);

public sealed record RevokeGatewayKeyResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("id")] string Id);
