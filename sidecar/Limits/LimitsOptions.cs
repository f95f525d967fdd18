namespace ByokGateway.Limits;

/// <summary>
/// Per-tier limits of proxied calls (section <c>Limits</c>, DESIGN.md §12), separately for the
/// operator's system keys and users' own keys: <c>Limits:Tiers:&lt;tier&gt;:System:RequestsPerMinute</c>
/// and so on. Anything unset is unlimited; a tier absent here has no limits at all.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>The limits by tier name (<see cref="Keys.Tiers.Ordered"/>).</summary>
    public Dictionary<string, TierLimits> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
