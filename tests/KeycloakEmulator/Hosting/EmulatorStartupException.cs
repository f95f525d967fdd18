namespace KeycloakEmulator.Hosting;

/// <summary>Bad configuration or realm files: the emulator refuses to start and says why.</summary>
public sealed class EmulatorStartupException : Exception
{
    public EmulatorStartupException()
    {
    }

    public EmulatorStartupException(string message) : base(message)
    {
    }

    public EmulatorStartupException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
