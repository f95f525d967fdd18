using System.Net;

namespace ByokGateway.Keycloak;

/// <summary>
/// Keycloak refused a request the sidecar made (4xx other than a missing user): a configuration
/// problem such as missing service-account roles or a rejected attribute value.
/// </summary>
public sealed class KeycloakRequestException : Exception
{
    public KeycloakRequestException()
    {
    }

    public KeycloakRequestException(string message)
        : base(message)
    {
    }

    public KeycloakRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KeycloakRequestException(string message, HttpStatusCode status)
        : base(message)
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }
}
