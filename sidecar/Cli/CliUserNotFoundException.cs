namespace ByokGateway.Cli;

/// <summary>A <c>--user</c> that is neither a user id nor the username of a user of the realm.</summary>
public sealed class CliUserNotFoundException(string user)
    : Exception($"no user of the realm has the username '{user}'; give a username or a Keycloak user id.");
