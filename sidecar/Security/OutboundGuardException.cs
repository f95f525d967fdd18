namespace ByokGateway.Security;

/// <summary>A connection to a user-supplied URL was refused by the outbound guard.</summary>
public sealed class OutboundGuardException : Exception
{
    public OutboundGuardException()
    {
    }

    public OutboundGuardException(string message)
        : base(message)
    {
    }

    public OutboundGuardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
