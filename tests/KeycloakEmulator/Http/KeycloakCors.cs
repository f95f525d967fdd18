using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Http;

/// <summary>Keycloak's DefaultCors: preflights echo any Origin; real responses only name origins the client allows.</summary>
internal static class KeycloakCors
{
    private const string DefaultAllowHeaders = "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers, DPoP";

    public static void Preflight(HttpContext context, string allowedMethods)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = allowedMethods;
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlAllowHeaders = DefaultAllowHeaders + ", Authorization";
        headers.AccessControlMaxAge = "3600";
    }

    public static void Allow(HttpContext context, IReadOnlyCollection<string> allowedOrigins, string? exposedHeaders = null)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || !(allowedOrigins.Contains(origin) || allowedOrigins.Contains("*")))
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        if (exposedHeaders is not null)
        {
            headers.AccessControlExposeHeaders = exposedHeaders;
        }
    }

    /// <summary>WebOriginsUtils.resolveValidWebOrigins: "+" stands for the origins of the client's redirect URIs.</summary>
    public static List<string> WebOriginsOf(ClientDefinition client, string frontendBase)
    {
        var origins = new List<string>();
        foreach (var origin in client.WebOrigins)
        {
            if (origin != "+")
            {
                origins.Add(origin);
                continue;
            }

            foreach (var redirect in client.RedirectUris)
            {
                var absolute = redirect.StartsWith('/')
                    ? (client.RootUrl is null or "${authBaseUrl}" or "${authAdminUrl}" ? frontendBase : client.RootUrl.TrimEnd('/')) + redirect
                    : redirect;
                if (FrontendUrl.OriginOf(absolute) is { } resolved)
                {
                    origins.Add(resolved);
                }
            }
        }

        return origins.Distinct(StringComparer.Ordinal).ToList();
    }
}
