using ByokGateway.Proxy;
using ByokGateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace ByokGateway.Unified;

public static class UnifiedExtensions
{
    /// <summary>
    /// The unified OpenAI-compatible endpoint <c>/v1</c> (DESIGN.md §11): YARP routes for the POST
    /// calls with the step that picks the provider from <c>model</c>, and the merged model list.
    /// Needs the key-swap proxy (<c>AddKeySwapProxy</c>).
    /// </summary>
    public static TBuilder AddUnifiedEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<UnifiedOptions>().BindConfiguration(UnifiedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<UnifiedOptions>, UnifiedOptionsValidator>();
        builder.Services.AddSingleton<ModelRouter>();
        builder.Services.AddSingleton<UnifiedMetrics>();
        builder.Services.AddSingleton<UnifiedModels>();
        builder.Services.AddSingleton<IProxyConfigProvider, UnifiedProxyConfigProvider>();
        builder.Services.AddSingleton<IProxyPipelineStep, UnifiedRoutingStep>();
        builder.Services.AddHttpClient(UnifiedModels.TrustedClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.AddHttpClient(UnifiedModels.GuardedClient)
            .ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<OutboundGuard>().CreateHandler());
        return builder;
    }

    /// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>; the POST routes come with the proxy's routes.</summary>
    public static IEndpointRouteBuilder MapUnifiedEndpoint(this IEndpointRouteBuilder app) => app.MapUnifiedModels();
}
