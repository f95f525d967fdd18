namespace ByokGateway.Crypto;

/// <summary>Key material is missing or malformed; the message says how to fix it.</summary>
public sealed class EncryptionKeyException : Exception
{
    public EncryptionKeyException()
    {
    }

    public EncryptionKeyException(string message)
        : base(message)
    {
    }

    public EncryptionKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
