using ByokGateway.Providers;

namespace ByokGateway.Proxy;

/// <summary>
/// One proxied call after its key was resolved: what the <see cref="IForwardingStep"/>s (limits,
/// usage metering) need to know about it. Never holds the key itself.
/// </summary>
/// <param name="UserId">The caller (Keycloak user id).</param>
/// <param name="Tier">The caller's tier, from the record the key was resolved from.</param>
/// <param name="Provider">The provider the call goes to.</param>
/// <param name="Source">Whose key the call uses.</param>
/// <param name="Started">The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the call's arrival in the proxy pipeline.</param>
/// <param name="Arrived">The wall-clock time of the same moment.</param>
public sealed record ProxiedCall(string UserId, string Tier, Provider Provider, KeySource Source, long Started, DateTimeOffset Arrived)
{
    public string SourceName => Source == KeySource.Byok ? "byok" : "system";
}
