using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Keys;

/// <summary>Policy of the key store and the management API (section <c>Byok</c>).</summary>
public sealed class ByokOptions
{
    public const string SectionName = "Byok";

    /// <summary>Lowest tier that may store keys and have the proxy use them.</summary>
    [Required]
    [AllowedValues("free", "trial", "starter", "professional", "enterprise", ErrorMessage = "Byok:RequiredTier must be one of free, trial, starter, professional, enterprise.")]
    public string RequiredTier { get; set; } = "starter";

    /// <summary>Key tests one user may run per <see cref="KeyTestWindow"/> (each one calls the provider).</summary>
    [Range(1, 10_000)]
    public int KeyTestPermitLimit { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeyTestWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Key additions and removals one user may make per <see cref="KeyWriteWindow"/>; each one is
    /// two reads and a write of the Keycloak user. 20 a minute lets a user store a key for every
    /// provider of the catalogue at once, and keeps one user from loading Keycloak.
    /// </summary>
    [Range(1, 10_000)]
    public int KeyWritePermitLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeyWriteWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a key test waits for the provider.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan KeyTestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
