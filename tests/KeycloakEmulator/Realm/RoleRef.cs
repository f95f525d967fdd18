namespace KeycloakEmulator.Realm;

/// <summary>A realm role (<see cref="ClientId"/> null) or a client role.</summary>
internal readonly record struct RoleRef(string? ClientId, string Name)
{
    public static RoleRef Realm(string name) => new(null, name);

    public static RoleRef Client(string clientId, string name) => new(clientId, name);
}
