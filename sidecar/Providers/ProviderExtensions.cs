namespace ByokGateway.Providers;

public static class ProviderExtensions
{
    /// <summary>The provider catalogue from the <c>Providers</c> section, validated at start-up.</summary>
    public static TBuilder AddProviderCatalog<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<Dictionary<string, ProviderOptions>>().BindConfiguration("Providers");
        builder.Services.AddSingleton(services =>
            new ProviderCatalog(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Dictionary<string, ProviderOptions>>>().Value));
        return builder;
    }
}
