namespace KeycloakEmulator.Profile;

/// <summary>An invalid UPConfig; the Admin API answers it with 400, like Keycloak's ComponentValidationException.</summary>
internal sealed class UserProfileConfigException : Exception
{
    public UserProfileConfigException()
    {
    }

    public UserProfileConfigException(string message) : base(message)
    {
    }

    public UserProfileConfigException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
