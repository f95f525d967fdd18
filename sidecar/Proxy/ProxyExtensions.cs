using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>The key-swapping reverse proxy: YARP with routes from the provider catalogue.</summary>
    public static TBuilder AddKeySwapProxy<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        builder.Services.AddSingleton<SystemKeys>();
        builder.Services.AddSingleton<KeyResolver>();
        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddSingleton<ForwardingSteps>();
        builder.Services.AddSingleton<IProxyConfigProvider, ProxyConfigProvider>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, GuardedForwarderHttpClientFactory>();
        builder.Services.AddReverseProxy().AddTransforms<KeySwapTransformProvider>();
        builder.Services.Configure<ProblemDetailsOptions>(options =>
        {
            var previous = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                ProviderErrorShape.Apply(context);
            };
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapKeySwapProxy(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(proxy =>
        {
            foreach (var step in proxy.ApplicationServices.GetServices<IProxyPipelineStep>())
            {
                proxy.Use(step.InvokeAsync);
            }

            proxy.UseMiddleware<KeyResolutionMiddleware>();
            proxy.UseLoadBalancing();
        });
        return app;
    }
}
