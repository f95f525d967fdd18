namespace ByokGateway.Hosting;

public static class SidecarConfiguration
{
    // Short environment variable names operators know from the Python service and compose
    // files, mapped onto the structured keys unless those are set explicitly.
    private static readonly (string Variable, string Key)[] Aliases =
    [
        ("KEYCLOAK_URL", "Keycloak:Url"),
        ("KEYCLOAK_REALM", "Keycloak:Realm"),
        ("BYOK_SIDECAR_SECRET", "Keycloak:ClientSecret"),
        ("REDIS_URL", "Cache:Redis"),
    ];

    public static TBuilder AddSidecarConfiguration<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        foreach (var (variable, key) in Aliases)
        {
            if (string.IsNullOrEmpty(builder.Configuration[key]) && builder.Configuration[variable] is { Length: > 0 } value)
            {
                builder.Configuration[key] = value;
            }
        }

        return builder;
    }
}
