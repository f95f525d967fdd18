using System.Text.Json.Serialization;

namespace ByokGateway.Keycloak;

/// <summary>
/// The members of Keycloak's AdminEventRepresentation the sidecar reads. <see cref="ResourcePath"/> is the Admin
/// API path below the realm (<c>users/{id}</c>, <c>users/{id}/reset-password</c>, <c>components/{id}</c>);
/// the representation is not read (the realm stores none, see realm-export/README.md).
/// </summary>
public sealed record KeycloakAdminEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("operationType")] string? OperationType,
    [property: JsonPropertyName("resourceType")] string? ResourceType,
    [property: JsonPropertyName("resourcePath")] string? ResourcePath);
