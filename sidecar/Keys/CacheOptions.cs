using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Keys;

/// <summary>The cache of users' BYOK records (section <c>Cache</c>).</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>How long a record is served before it is read from Keycloak again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// While Keycloak fails, an expired record keeps serving for at most this long after it was
    /// loaded (bounded staleness); after that, requests fail with 503.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After a failed reload, how long the stale record is served before Keycloak is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Redis connection string. When set, Redis is the second-level cache and the backplane that
    /// tells every replica about invalidations.
    /// </summary>
    public string? Redis { get; set; }
}
