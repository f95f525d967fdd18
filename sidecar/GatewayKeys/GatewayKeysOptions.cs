using System.ComponentModel.DataAnnotations;

namespace ByokGateway.GatewayKeys;

/// <summary>Gateway keys, the long-lived credentials of tools (section <c>GatewayKeys</c>).</summary>
public sealed class GatewayKeysOptions
{
    public const string SectionName = "GatewayKeys";

    /// <summary>How many gateway keys one user may hold (expired ones count until revoked).</summary>
    [Range(1, 100)]
    public int MaxPerUser { get; set; } = 20;
}
