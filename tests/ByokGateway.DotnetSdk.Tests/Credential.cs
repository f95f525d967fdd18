namespace ByokGateway.DotnetSdk.Tests;

/// <summary>What a user gives an SDK as its API key.</summary>
public enum Credential
{
    /// <summary>The user's Keycloak access token (minutes).</summary>
    KeycloakToken,

    /// <summary>A gateway key the user created with that token (DESIGN.md §10).</summary>
    GatewayKey,
}
