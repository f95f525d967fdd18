namespace KeycloakEmulator.Tokens;

/// <summary>An OAuth error answer (<c>{"error","error_description"}</c>) with its HTTP status, as Keycloak's CorsErrorResponseException.</summary>
internal sealed class OAuthErrorException : Exception
{
    public OAuthErrorException()
    {
    }

    public OAuthErrorException(string message) : base(message)
    {
    }

    public OAuthErrorException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public OAuthErrorException(int status, string error, string? description) : base(description ?? error)
    {
        Status = status;
        Error = error;
        Description = description;
    }

    public int Status { get; } = StatusCodes.Status400BadRequest;

    public string Error { get; } = "invalid_request";

    public string? Description { get; }
}
