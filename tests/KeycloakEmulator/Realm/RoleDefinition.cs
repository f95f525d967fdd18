namespace KeycloakEmulator.Realm;

internal sealed class RoleDefinition(RoleRef id)
{
    public RoleRef Id { get; } = id;

    public HashSet<RoleRef> Composites { get; } = [];
}
