namespace ByokGateway.Keys;

/// <summary>The token's subject is not (or no longer) a user of the realm.</summary>
public sealed class UserNotFoundException : Exception
{
    public UserNotFoundException()
        : base("The user does not exist in the realm.")
    {
    }

    public UserNotFoundException(string message)
        : base(message)
    {
    }

    public UserNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
