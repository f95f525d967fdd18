namespace ByokGateway.Crypto;

/// <summary>
/// A stored value is not a Fernet token that any configured key produced. The message never
/// contains the token: it is ciphertext of a secret.
/// </summary>
public sealed class InvalidFernetTokenException : Exception
{
    public InvalidFernetTokenException()
        : base("The value is not a valid Fernet token for any configured encryption key.")
    {
    }

    public InvalidFernetTokenException(string message)
        : base(message)
    {
    }

    public InvalidFernetTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
