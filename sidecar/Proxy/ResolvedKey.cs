using ByokGateway.Providers;

namespace ByokGateway.Proxy;

/// <summary>
/// The key chosen for one proxied request, handed from the resolution middleware to the
/// transform through <c>HttpContext.Features</c>. The plaintext lives only as long as the request.
/// </summary>
public sealed record ResolvedKey(Provider Provider, string Key, KeySource Source, Uri? Endpoint)
{
    /// <summary>The user's tier, from the same record the key came from (limits are per tier).</summary>
    public string Tier { get; init; } = "";

    public string SourceName => Source == KeySource.Byok ? "byok" : "system";

    public override string ToString() => $"{Provider.Id} ({SourceName})";
}
