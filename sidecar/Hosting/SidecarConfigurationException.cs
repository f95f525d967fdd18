namespace ByokGateway.Hosting;

/// <summary>Configuration the gateway cannot start with; the message says what to change.</summary>
public sealed class SidecarConfigurationException : Exception
{
    public SidecarConfigurationException()
    {
    }

    public SidecarConfigurationException(string message)
        : base(message)
    {
    }

    public SidecarConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
