namespace ByokGateway.Hosting;

public static class CorsExtensions
{
    public const string PolicyName = "account-console";

    /// <summary>CORS for the management API, limited to the configured Keycloak origin(s).</summary>
    public static TBuilder AddByokCors<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var origins = builder.Configuration.GetSection(ByokCorsOptions.SectionName).Get<ByokCorsOptions>()?.AllowedOrigins ?? [];
        var invalid = origins.Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.Scheme is not ("http" or "https")).ToList();
        if (invalid.Count > 0)
        {
            throw new SidecarConfigurationException(
                $"Cors:AllowedOrigins must be origins like https://keycloak.example.com (scheme, host, port; no path): {string.Join(", ", invalid)}");
        }

        builder.Services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins([.. origins.Select(o => o.TrimEnd('/'))])
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }
}
