namespace ByokGateway.Management;

/// <summary>
/// Endpoint metadata: the endpoint belongs to the management port. Endpoints without it are
/// never served there.
/// </summary>
public sealed class ManagementEndpoint
{
    /// <summary>Management port only, once one is configured.</summary>
    public static readonly ManagementEndpoint Only = new(alsoOnMainPort: false);

    /// <summary>Both ports (liveness, which container probes ask on the main port).</summary>
    public static readonly ManagementEndpoint AndMainPort = new(alsoOnMainPort: true);

    private ManagementEndpoint(bool alsoOnMainPort) => AlsoOnMainPort = alsoOnMainPort;

    public bool AlsoOnMainPort { get; }
}
