namespace KeycloakEmulator.Realm;

/// <summary>A stored user. Root attributes (username, email, names) are fields; everything else is in <see cref="Attributes"/>.</summary>
internal sealed class UserRecord
{
    public required string Id { get; init; }

    public required string Username { get; set; }

    public string? Email { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public bool Enabled { get; set; } = true;

    public bool EmailVerified { get; set; }

    public long CreatedTimestamp { get; init; }

    public string? Password { get; set; }

    public string? ServiceAccountClientId { get; init; }

    public int NotBefore { get; set; }

    public List<string> RequiredActions { get; } = [];

    public Dictionary<string, List<string>> Attributes { get; } = new(StringComparer.Ordinal);

    public HashSet<RoleRef> RoleMappings { get; } = [];

    public bool IsServiceAccount => ServiceAccountClientId is not null;

    /// <summary>Keycloak's <c>UserModel.getAttributes()</c>: the stored attributes plus the root ones.</summary>
    public Dictionary<string, List<string>> AllAttributes()
    {
        var all = Attributes.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);
        all["username"] = [Username];
        SetRoot(all, "email", Email);
        SetRoot(all, "firstName", FirstName);
        SetRoot(all, "lastName", LastName);
        return all;
    }

    public List<string> GetAttribute(string name) => name switch
    {
        "username" => [Username],
        "email" => Email is null ? [] : [Email],
        "firstName" => FirstName is null ? [] : [FirstName],
        "lastName" => LastName is null ? [] : [LastName],
        _ => Attributes.TryGetValue(name, out var values) ? values : [],
    };

    public void SetAttribute(string name, List<string> values)
    {
        var first = values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        switch (name)
        {
            case "username":
                if (first is not null)
                {
                    Username = first;
                }

                break;
            case "email":
                Email = first;
                break;
            case "firstName":
                FirstName = first;
                break;
            case "lastName":
                LastName = first;
                break;
            default:
                if (values.Count == 0)
                {
                    Attributes.Remove(name);
                }
                else
                {
                    Attributes[name] = values;
                }

                break;
        }
    }

    private static void SetRoot(Dictionary<string, List<string>> all, string name, string? value)
    {
        if (value is not null)
        {
            all[name] = [value];
        }
    }
}
