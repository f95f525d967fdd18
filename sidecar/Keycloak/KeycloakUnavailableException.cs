namespace ByokGateway.Keycloak;

/// <summary>Keycloak could not be reached or answered with a server error; callers map it to 503.</summary>
public sealed class KeycloakUnavailableException : Exception
{
    public KeycloakUnavailableException()
        : base("Keycloak is unavailable.")
    {
    }

    public KeycloakUnavailableException(string message)
        : base(message)
    {
    }

    public KeycloakUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
