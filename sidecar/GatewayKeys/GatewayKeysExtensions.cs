namespace ByokGateway.GatewayKeys;

public static class GatewayKeysExtensions
{
    /// <summary>
    /// Gateway keys: their checking on the request path (hooked into the bearer scheme by
    /// <c>AddByokAuth</c>) and the background writer of their <c>last_used</c> days.
    /// </summary>
    public static TBuilder AddGatewayKeys<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<GatewayKeysOptions>().BindConfiguration(GatewayKeysOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<GatewayKeyUsage>();
        builder.Services.AddSingleton<VerifiedGatewayKeys>();
        builder.Services.AddSingleton<GatewayKeyAuthenticator>();
        builder.Services.AddHostedService<GatewayKeyUsageWriter>();
        return builder;
    }
}
