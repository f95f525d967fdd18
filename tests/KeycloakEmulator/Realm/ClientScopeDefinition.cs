namespace KeycloakEmulator.Realm;

internal sealed class ClientScopeDefinition(string name)
{
    public string Name { get; } = name;

    public string Protocol { get; init; } = "openid-connect";

    public bool IncludeInTokenScope { get; init; } = true;

    public List<ProtocolMapperDefinition> Mappers { get; } = [];

    public HashSet<RoleRef> ScopeRoles { get; } = [];
}
