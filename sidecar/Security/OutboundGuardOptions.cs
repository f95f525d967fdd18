namespace ByokGateway.Security;

/// <summary>
/// Rules for URLs that users supply (custom endpoints and their key tests), section
/// <c>OutboundGuard</c>. Both relaxations exist for development and tests only.
/// </summary>
public sealed class OutboundGuardOptions
{
    public const string SectionName = "OutboundGuard";

    /// <summary>Allow plain <c>http</c> user endpoints (development).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Allow loopback, private and link-local destinations (development and tests).</summary>
    public bool AllowPrivateNetworks { get; set; }
}
