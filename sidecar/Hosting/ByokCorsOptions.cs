namespace ByokGateway.Hosting;

/// <summary>
/// Browser origins allowed to call the management API (section <c>Cors</c>): Keycloak's own
/// origin, where the Account Console's "API keys" page runs. Nothing else is allowed.
/// </summary>
public sealed class ByokCorsOptions
{
    public const string SectionName = "Cors";

    /// <summary>Exact origins such as <c>https://keycloak.example.com</c> (environment: Cors__AllowedOrigins__0).</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
