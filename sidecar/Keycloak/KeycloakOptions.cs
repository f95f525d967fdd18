using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Keycloak;

/// <summary>Where the realm lives and how the sidecar authenticates to its Admin API.</summary>
public sealed class KeycloakOptions
{
    public const string SectionName = "Keycloak";

    /// <summary>Base URL the sidecar uses to reach Keycloak, e.g. <c>http://keycloak:8080</c>.</summary>
    [Required(ErrorMessage = "Keycloak:Url is required (environment: Keycloak__Url or KEYCLOAK_URL), e.g. http://127.0.0.1:8180.")]
    public Uri? Url { get; set; }

    /// <summary>The realm whose users own keys.</summary>
    [Required]
    public string Realm { get; set; } = "byok";

    /// <summary>The sidecar's confidential client (client-credentials grant).</summary>
    [Required]
    public string ClientId { get; set; } = "byok-sidecar";

    /// <summary>Secret of <see cref="ClientId"/> (environment: Keycloak__ClientSecret or BYOK_SIDECAR_SECRET).</summary>
    [Required(ErrorMessage = "Keycloak:ClientSecret is required (environment: Keycloak__ClientSecret or BYOK_SIDECAR_SECRET): the secret of the byok-sidecar client.")]
    public string? ClientSecret { get; set; }

    /// <summary>Audience user tokens must carry; defaults to <see cref="ClientId"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Expected <c>iss</c>, when Keycloak's frontend URL differs from <see cref="Url"/> (KC_HOSTNAME
    /// behind a proxy). Defaults to <c>{Url}/realms/{Realm}</c>.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>Timeout of one Admin API call.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Users per page when the <c>rotate</c> command walks the realm.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 100;

    // Derived values are internal so options validation, which walks public properties, does not
    // evaluate them before Url has been validated.
    internal string EffectiveAudience => Audience ?? ClientId;

    internal Uri RealmUrl => new(BaseUrl, $"realms/{Uri.EscapeDataString(Realm)}");

    internal string EffectiveIssuer => (Issuer?.ToString() ?? RealmUrl.ToString()).TrimEnd('/');

    internal Uri BaseUrl => new(Url!.ToString().TrimEnd('/') + "/");
}
