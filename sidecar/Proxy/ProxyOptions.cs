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
    /// Send the caller's address to providers, as one header: <c>X-Forwarded-For</c> with the
    /// chain the caller sent plus the address the gateway saw. Off by default: providers learn
    /// nothing about end users from the gateway. No other address header (<c>X-Real-IP</c>,
    /// <c>CF-Connecting-IP</c>, <c>Forwarded</c>, <c>Via</c>, ...) is forwarded either way.
    /// </summary>
    public bool ForwardClientAddress { get; set; }

    /// <summary>
    /// Request headers forwarded to providers besides <see cref="RequestHeaderAllowlist"/>'s
    /// built-in list; an entry ending in <c>*</c> is a prefix (<c>x-litellm-*</c>). Headers
    /// with credentials or client addresses are refused at start-up.
    /// </summary>
    public List<string> AdditionalRequestHeaders { get; set; } = [];

    /// <summary>
    /// Wait for each chunk of a provider's event stream (HTTP/1.1, chunked, plain or TLS) on the
    /// connection before HttpClient reads it, so idle streams allocate nothing per chunk
    /// (<see cref="EventStreamSocketWaitHandler"/>; at 5,000 open streams, with small GC
    /// budgets, a third fewer collections and a third shorter longest pause, bench/README.md 3 Dec 2026).
    /// On by default; <c>false</c> copies streams the ordinary way.
    /// </summary>
    public bool SocketWaitForEventStreams { get; set; } = true;
}
