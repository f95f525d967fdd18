using System.ComponentModel.DataAnnotations;

namespace ByokGateway.GatewayKeys;

/// <summary>Gateway keys, the long-lived credentials of tools (section <c>GatewayKeys</c>).</summary>
public sealed class GatewayKeysOptions
{
    public const string SectionName = "GatewayKeys";

    /// <summary>How many gateway keys one user may hold (expired ones count until revoked).</summary>
    [Range(1, 100)]
    public int MaxPerUser { get; set; } = 20;

    /// <summary>
    /// How many gateway keys that matched a stored hash are remembered by their text, so the next
    /// call with the same key skips decoding and hashing it (the user's record is still checked
    /// on every call). 0 turns the cache off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int CacheSize { get; set; } = 10_000;
}
