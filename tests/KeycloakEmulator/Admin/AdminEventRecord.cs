using System.Text.Json.Nodes;

namespace KeycloakEmulator.Admin;

/// <summary>One stored admin event (Keycloak's AdminEvent / AdminEventEntity).</summary>
internal sealed record AdminEventRecord(
    string Id,
    long Time,
    string RealmId,
    AdminEventAuthDetails AuthDetails,
    string OperationType,
    string ResourceType,
    string ResourcePath,
    string? Representation)
{
    /// <summary>AdminEventRepresentation as ModelToRepresentation builds it; Keycloak's JSON leaves out null members.</summary>
    public JsonObject ToRepresentation()
    {
        var auth = new JsonObject { ["realmId"] = AuthDetails.RealmId, ["clientId"] = AuthDetails.ClientId, ["userId"] = AuthDetails.UserId };
        if (AuthDetails.IpAddress is not null)
        {
            auth["ipAddress"] = AuthDetails.IpAddress;
        }

        var json = new JsonObject
        {
            ["id"] = Id,
            ["time"] = Time,
            ["realmId"] = RealmId,
            ["authDetails"] = auth,
            ["operationType"] = OperationType,
            ["resourceType"] = ResourceType,
            ["resourcePath"] = ResourcePath,
        };
        if (Representation is not null)
        {
            json["representation"] = Representation;
        }

        return json;
    }
}

/// <summary>Who made an admin change: realm, client and user ids (internal ids, not names) and the caller's address.</summary>
internal sealed record AdminEventAuthDetails(string RealmId, string ClientId, string UserId, string? IpAddress);
