namespace KeycloakEmulator.Realm;

internal sealed class ClientDefinition(string clientId)
{
    public string ClientId { get; } = clientId;

    /// <summary>The internal id (what admin events name as <c>authDetails.clientId</c>); the export's <c>id</c> when it has one.</summary>
    public string Id { get; set; } = Guid.NewGuid().ToString();

    public bool Enabled { get; set; } = true;

    public bool PublicClient { get; set; }

    public bool BearerOnly { get; set; }

    public string? Secret { get; set; }

    public bool StandardFlowEnabled { get; set; } = true;

    public bool DirectAccessGrantsEnabled { get; set; }

    public bool ServiceAccountsEnabled { get; set; }

    public bool FullScopeAllowed { get; set; } = true;

    public string? RootUrl { get; set; }

    public List<string> RedirectUris { get; } = [];

    public List<string> WebOrigins { get; } = [];

    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    public List<ProtocolMapperDefinition> Mappers { get; } = [];

    /// <summary>Null means "the realm's default default scopes", as Keycloak applies them on import.</summary>
    public List<string>? DefaultClientScopes { get; set; }

    public List<string>? OptionalClientScopes { get; set; }

    public HashSet<RoleRef> ScopeRoles { get; } = [];

    public bool DeviceGrantEnabled =>
        Attributes.TryGetValue("oauth2.device.authorization.grant.enabled", out var v) && string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);
}
