using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Auth;

/// <summary>How callers' tokens are checked (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// How many validated tokens are remembered, each until its own <c>exp</c>, so that a client
    /// sending the same token again does not pay for another signature check. 0 turns the cache off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int TokenCacheSize { get; set; } = 10_000;

    /// <summary>
    /// Least time between two reads of the realm's JWKS. A token naming an unknown <c>kid</c> (a new key after a
    /// rotation, or a forged one) asks for a read and waits for it; all such tokens share one read per interval,
    /// so a new key is accepted within this time and a flood of forged tokens costs Keycloak one read per interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the JWKS read last is used before it is read again in the background (keys removed in Keycloak stop validating then, or at once with admin events).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan JwksMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}
