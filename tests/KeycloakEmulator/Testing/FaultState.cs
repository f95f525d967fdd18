namespace KeycloakEmulator.Testing;

/// <summary>Injected faults: the Admin API can be made unavailable (503) or slow; tokens and JWKS keep working.</summary>
internal sealed class FaultState
{
    private volatile bool _adminUnavailable;
    private int _adminDelayMs;

    public bool AdminUnavailable
    {
        get => _adminUnavailable;
        set => _adminUnavailable = value;
    }

    public int AdminDelayMs
    {
        get => Volatile.Read(ref _adminDelayMs);
        set => Volatile.Write(ref _adminDelayMs, value);
    }
}
