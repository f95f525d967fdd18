using System.ComponentModel.DataAnnotations;

namespace ByokGateway.AdminEvents;

/// <summary>Following the realm's admin events (section <c>AdminEvents</c>).</summary>
public sealed class AdminEventsOptions
{
    public const string SectionName = "AdminEvents";

    /// <summary>
    /// Read the realm's admin events and drop the cached record of each user they name (and re-read the JWKS when a
    /// component such as a key provider changes). Off: changes made in Keycloak reach the gateway after
    /// <c>Cache:Duration</c>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the admin events are read: the bound on how long an admin's change takes to reach the gateway.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far each read reaches back before the newest event already seen: an event is stored with the time its
    /// request started, so one committed late (or by a Keycloak node whose clock is behind) is still found.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromSeconds(10);
}
