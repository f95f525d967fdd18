namespace ByokGateway.Keys;

/// <summary>The token's subject is a user the realm has disabled: refused on every route, never written to.</summary>
public sealed class UserDisabledException : Exception
{
    public UserDisabledException()
        : base("The user is disabled in the realm.")
    {
    }

    public UserDisabledException(string message)
        : base(message)
    {
    }

    public UserDisabledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
