using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Proxy;

/// <summary>Behaviour of the key-swapping proxy (section <c>Proxy</c>).</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>
    /// How long the upstream may stay silent (no bytes either way) before the call ends with 504.
    /// LLM calls without streaming can think for minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Tiers whose users may fall back to the operator's system keys. Empty (the default) means
    /// every authenticated user of the realm.
    /// </summary>
    public List<string> SystemKeyTiers { get; set; } = [];

    /// <summary>
    /// Forward the caller's address to providers (X-Forwarded-For and friends). Off by default:
    /// providers learn nothing about end users from the gateway.
    /// </summary>
    public bool ForwardClientAddress { get; set; }
}
