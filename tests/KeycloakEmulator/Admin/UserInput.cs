using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Admin;

/// <summary>The fields of a UserRepresentation request body the emulator acts on.</summary>
internal sealed class UserInput
{
    public string? Username { get; private init; }

    public string? Email { get; private init; }

    public string? FirstName { get; private init; }

    public string? LastName { get; private init; }

    /// <summary>Null when the body has no <c>attributes</c> member; Keycloak then keeps every stored attribute.</summary>
    public Dictionary<string, List<string>>? Attributes { get; private init; }

    public bool? Enabled { get; private init; }

    public bool? EmailVerified { get; private init; }

    public List<string>? RequiredActions { get; private init; }

    public (string Value, bool Temporary)? Password { get; private init; }

    /// <summary>The body as sent: what an admin event keeps as its representation (when details are on).</summary>
    public JsonObject Body { get; private init; } = [];

    public static async Task<UserInput?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (body is null)
        {
            return null;
        }

        Dictionary<string, List<string>>? attributes = null;
        if (body["attributes"] is JsonObject attributeObject)
        {
            attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (name, value) in attributeObject)
            {
                attributes[name] = value switch
                {
                    JsonArray array => array.Where(v => v is not null).Select(v => v!.ToString()).ToList(),
                    null => [],
                    _ => [value.ToString()],
                };
            }
        }

        var password = (body["credentials"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => c["type"]?.ToString() == "password" && c["value"] is not null)
            .Select(c => (c["value"]!.ToString(), c["temporary"]?.GetValue<bool>() ?? false))
            .Cast<(string, bool)?>()
            .FirstOrDefault();

        return new UserInput
        {
            Username = body["username"]?.ToString(),
            Email = body["email"]?.ToString(),
            FirstName = body["firstName"]?.ToString(),
            LastName = body["lastName"]?.ToString(),
            Attributes = attributes,
            Enabled = body["enabled"]?.GetValue<bool>(),
            EmailVerified = body["emailVerified"]?.GetValue<bool>(),
            RequiredActions = body["requiredActions"] is JsonArray actions ? actions.Select(a => a!.ToString()).ToList() : null,
            Password = password,
            Body = body,
        };
    }

    /// <summary>UserRepresentation.getRawAttributes: the attribute map with the root fields that are set.</summary>
    public Dictionary<string, List<string>> RawAttributes()
    {
        var raw = Attributes is null ? new Dictionary<string, List<string>>(StringComparer.Ordinal) : new Dictionary<string, List<string>>(Attributes, StringComparer.Ordinal);
        void Root(string name, string? value)
        {
            if (value is not null)
            {
                raw[name] = [value];
            }
        }

        Root("username", Username);
        Root("email", Email);
        Root("firstName", FirstName);
        Root("lastName", LastName);
        return raw;
    }
}
