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
}
