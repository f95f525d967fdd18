using System.Text.Json.Nodes;

namespace KeycloakEmulator.Profile;

internal sealed record UserProfileAttribute(
    string Name,
    IReadOnlyDictionary<string, JsonObject> Validations,
    IReadOnlySet<string> ViewRoles,
    IReadOnlySet<string> EditRoles,
    IReadOnlySet<string> RequiredRoles,
    bool RequiredConfigured,
    bool Multivalued)
{
    /// <summary>The Admin API is Keycloak's USER_API context, whose pseudo-role is "admin".</summary>
    public bool AdminCanEdit => EditRoles.Contains("admin");

    public bool AdminCanView => AdminCanEdit || ViewRoles.Contains("admin");

    /// <summary>Required in the admin context only when the required roles name "admin" (or no roles are given).</summary>
    public bool RequiredForAdmin => RequiredConfigured && (RequiredRoles.Count == 0 || RequiredRoles.Contains("admin"));
}
