using KeycloakEmulator.Profile;

namespace KeycloakEmulator.Realm;

/// <summary>One realm in memory. Every read and write of its mutable parts happens under <see cref="Gate"/>.</summary>
internal sealed class RealmState(string name)
{
    public string Name { get; } = name;

    /// <summary>The internal id (an admin event's <c>realmId</c>); the export's <c>id</c> when it has one.</summary>
    public string Id { get; set; } = Guid.NewGuid().ToString();

    public object Gate { get; } = new();

    public RealmSettings Settings { get; } = new();

    public Dictionary<string, ClientDefinition> Clients { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ClientScopeDefinition> ClientScopes { get; } = new(StringComparer.Ordinal);

    public Dictionary<RoleRef, RoleDefinition> Roles { get; } = [];

    public string DefaultRoleName { get; set; } = "";

    public List<string> DefaultDefaultClientScopes { get; } = [];

    public List<string> DefaultOptionalClientScopes { get; } = [];

    public Dictionary<string, UserRecord> Users { get; } = new(StringComparer.Ordinal);

    public UserProfileConfig UserProfile { get; set; } = UserProfileConfig.Default();

    /// <summary>The realm's stored admin events, oldest first (only recorded while admin events are enabled).</summary>
    public List<Admin.AdminEventRecord> AdminEvents { get; } = [];

    public UserRecord? FindByUsername(string username) =>
        Users.Values.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));

    public UserRecord? FindByEmail(string email) =>
        Users.Values.FirstOrDefault(u => u.Email is not null && string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));

    public UserRecord? FindServiceAccount(string clientId) =>
        Users.Values.FirstOrDefault(u => u.ServiceAccountClientId == clientId);

    public RoleDefinition AddRole(RoleRef role)
    {
        if (!Roles.TryGetValue(role, out var definition))
        {
            definition = new RoleDefinition(role);
            Roles[role] = definition;
        }

        return definition;
    }

    /// <summary>The roles and every role they imply through composites.</summary>
    public HashSet<RoleRef> Expand(IEnumerable<RoleRef> roles)
    {
        var result = new HashSet<RoleRef>();
        var pending = new Stack<RoleRef>(roles);
        while (pending.Count > 0)
        {
            var role = pending.Pop();
            if (!result.Add(role))
            {
                continue;
            }

            if (Roles.TryGetValue(role, out var definition))
            {
                foreach (var composite in definition.Composites)
                {
                    pending.Push(composite);
                }
            }
        }

        return result;
    }

    public IEnumerable<string> DefaultScopesOf(ClientDefinition client) => client.DefaultClientScopes ?? DefaultDefaultClientScopes;

    public IEnumerable<string> OptionalScopesOf(ClientDefinition client) => client.OptionalClientScopes ?? DefaultOptionalClientScopes;
}
