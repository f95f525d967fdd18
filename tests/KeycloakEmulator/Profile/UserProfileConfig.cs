using System.Text.Json;
using System.Text.Json.Nodes;
using KeycloakEmulator.Hosting;

namespace KeycloakEmulator.Profile;

/// <summary>A realm's declarative user profile (Keycloak's UPConfig), kept both raw (to serve it back) and parsed.</summary>
internal sealed class UserProfileConfig
{
    private UserProfileConfig(JsonObject raw, Dictionary<string, UserProfileAttribute> attributes, UnmanagedAttributePolicy policy)
    {
        Raw = raw;
        Attributes = attributes;
        Policy = policy;
    }

    public JsonObject Raw { get; }

    public IReadOnlyDictionary<string, UserProfileAttribute> Attributes { get; }

    public UnmanagedAttributePolicy Policy { get; }

    public bool IsManaged(string name) => Attributes.ContainsKey(name);

    /// <summary>Keycloak's system default profile (keycloak-default-user-profile.json), used when a realm has no component.</summary>
    public static UserProfileConfig Default() => Parse(DefaultJson);

    public static UserProfileConfig Parse(string json)
    {
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(json)?.AsObject() ?? throw new EmulatorStartupException("User profile configuration is empty.");
        }
        catch (JsonException e)
        {
            throw new UserProfileConfigException($"Cannot parse the JSON: {e.Message}");
        }

        return FromJson(raw);
    }

    public static UserProfileConfig FromJson(JsonObject raw)
    {
        if (raw["attributes"] is not JsonArray attributes)
        {
            throw new UserProfileConfigException("UserProfile configuration without 'attributes' section is not allowed");
        }

        var parsed = new Dictionary<string, UserProfileAttribute>(StringComparer.Ordinal);
        foreach (var node in attributes.OfType<JsonObject>())
        {
            var name = node["name"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new UserProfileConfigException("Attribute configuration without 'name' is not allowed");
            }

            var validations = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            if (node["validations"] is JsonObject v)
            {
                foreach (var (validator, config) in v)
                {
                    validations[validator] = config as JsonObject ?? [];
                }
            }

            var permissions = node["permissions"] as JsonObject;
            var required = node["required"] as JsonObject;
            parsed[name] = new UserProfileAttribute(
                name,
                validations,
                Strings(permissions?["view"]),
                Strings(permissions?["edit"]),
                Strings(required?["roles"]),
                required is not null,
                node["multivalued"]?.GetValue<bool>() ?? false);
        }

        var policy = raw["unmanagedAttributePolicy"]?.GetValue<string>() switch
        {
            null => UnmanagedAttributePolicy.Disabled,
            "ENABLED" => UnmanagedAttributePolicy.Enabled,
            "ADMIN_VIEW" => UnmanagedAttributePolicy.AdminView,
            "ADMIN_EDIT" => UnmanagedAttributePolicy.AdminEdit,
            var other => throw new UserProfileConfigException($"Unknown unmanagedAttributePolicy '{other}'"),
        };

        return new UserProfileConfig(raw, parsed, policy);
    }

    private static HashSet<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : [];

    private const string DefaultJson = """
        {"attributes":[
          {"name":"username","displayName":"${username}","validations":{"length":{"min":3,"max":255},"username-prohibited-characters":{},"up-username-not-idn-homograph":{}},"permissions":{"view":["admin","user"],"edit":["admin","user"]},"multivalued":false},
          {"name":"email","displayName":"${email}","validations":{"email":{},"length":{"max":255}},"required":{"roles":["user"]},"permissions":{"view":["admin","user"],"edit":["admin","user"]},"multivalued":false},
          {"name":"firstName","displayName":"${firstName}","validations":{"length":{"max":255},"person-name-prohibited-characters":{}},"required":{"roles":["user"]},"permissions":{"view":["admin","user"],"edit":["admin","user"]},"multivalued":false},
          {"name":"lastName","displayName":"${lastName}","validations":{"length":{"max":255},"person-name-prohibited-characters":{}},"required":{"roles":["user"]},"permissions":{"view":["admin","user"],"edit":["admin","user"]},"multivalued":false}],
         "groups":[{"name":"user-metadata","displayHeader":"User metadata","displayDescription":"Attributes, which refer to user metadata"}]}
        """;
}
