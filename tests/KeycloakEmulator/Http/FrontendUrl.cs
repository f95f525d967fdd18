namespace KeycloakEmulator.Http;

/// <summary>Keycloak's frontend URL: the configured hostname (KC_HOSTNAME) or, without one, the request's own origin.</summary>
internal static class FrontendUrl
{
    public static string Base(HttpContext context, EmulatorOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Hostname))
        {
            var hostname = options.Hostname.TrimEnd('/');
            return hostname.Contains("://", StringComparison.Ordinal) ? hostname : "https://" + hostname;
        }

        var request = context.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    public static string Issuer(HttpContext context, EmulatorOptions options, string realm) => $"{Base(context, options)}/realms/{realm}";

    /// <summary>scheme://host[:port] of an absolute URL, or null.</summary>
    public static string? OriginOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
