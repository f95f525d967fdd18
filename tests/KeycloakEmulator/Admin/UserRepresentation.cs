using System.Text.Json.Nodes;
using KeycloakEmulator.Profile;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>UserRepresentation as the Admin API returns it (Jackson NON_NULL: absent fields are left out).</summary>
internal static class UserRepresentation
{
    public static JsonObject Full(RealmState realm, UserRecord user, AdminIdentity caller)
    {
        var profile = AdminUserProfile.Create(realm.UserProfile, realm.Settings, user.AllAttributes(), user);
        var (root, attributes) = profile.Readable();
        var rep = new JsonObject { ["id"] = user.Id };
        foreach (var name in new[] { "username", "firstName", "lastName", "email" })
        {
            if (root.TryGetValue(name, out var value) && value is not null)
            {
                rep[name] = value;
            }
        }

        rep["emailVerified"] = user.EmailVerified;
        if (attributes.Count > 0)
        {
            rep["attributes"] = new JsonObject(attributes.Select(kv =>
                KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode)v).ToArray()))));
        }

        rep["createdTimestamp"] = user.CreatedTimestamp;
        rep["enabled"] = user.Enabled;
        rep["totp"] = false;
        rep["disableableCredentialTypes"] = new JsonArray();
        rep["requiredActions"] = new JsonArray(user.RequiredActions.Select(a => (JsonNode)a).ToArray());
        rep["notBefore"] = user.NotBefore;
        rep["access"] = Access(realm, caller);
        return rep;
    }

    /// <summary>ModelToRepresentation.toBriefRepresentation, plus the caller's access as listings add it.</summary>
    public static JsonObject Brief(RealmState realm, UserRecord user, AdminIdentity caller)
    {
        var rep = new JsonObject { ["id"] = user.Id, ["username"] = user.Username };
        if (user.FirstName is not null)
        {
            rep["firstName"] = user.FirstName;
        }

        if (user.LastName is not null)
        {
            rep["lastName"] = user.LastName;
        }

        if (user.Email is not null)
        {
            rep["email"] = user.Email;
        }

        rep["emailVerified"] = user.EmailVerified;
        rep["createdTimestamp"] = user.CreatedTimestamp;
        rep["enabled"] = user.Enabled;
        rep["access"] = Access(realm, caller);
        return rep;
    }

    private static JsonObject Access(RealmState realm, AdminIdentity caller)
    {
        var manage = caller.CanManageUsers(realm);
        return new JsonObject
        {
            ["manageGroupMembership"] = manage,
            ["view"] = caller.CanViewUsers(realm),
            ["mapRoles"] = manage,
            ["impersonate"] = caller.CanImpersonate(realm),
            ["manage"] = manage,
        };
    }
}
