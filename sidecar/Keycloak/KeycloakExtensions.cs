using Microsoft.Extensions.Options;

namespace ByokGateway.Keycloak;

public static class KeycloakExtensions
{
    /// <summary>The Keycloak Admin API client and the service-account token it uses.</summary>
    public static TBuilder AddKeycloak<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<KeycloakOptions>()
            .BindConfiguration(KeycloakOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KeycloakMetrics>();
        builder.Services.AddHttpClient<KeycloakAdminClient>(ConfigureClient);

        // The token provider caches its token, so it is one instance with a named client rather
        // than a (transient) typed client.
        builder.Services.AddHttpClient(nameof(ServiceAccountTokenProvider), ConfigureClient);
        builder.Services.AddSingleton(services =>
        {
            var factory = services.GetRequiredService<IHttpClientFactory>();
            return ActivatorUtilities.CreateInstance<ServiceAccountTokenProvider>(services, factory.CreateClient(nameof(ServiceAccountTokenProvider)));
        });
        return builder;
    }

    /// <summary>The start-up check that the realm keeps byok_* attributes (gateway only, not the CLI).</summary>
    public static TBuilder AddAttributePolicyCheck<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHostedService<AttributePolicyCheck>();
        return builder;
    }

    private static void ConfigureClient(IServiceProvider services, HttpClient client)
    {
        var options = services.GetRequiredService<IOptions<KeycloakOptions>>().Value;
        client.BaseAddress = options.BaseUrl;
        client.Timeout = options.RequestTimeout;
    }
}
