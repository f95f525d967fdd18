using ByokGateway.Proxy;

namespace ByokGateway.Usage;

public static class UsageExtensions
{
    /// <summary>
    /// Usage metering (DESIGN.md §12): one <see cref="UsageRecord"/> per proxied call to every
    /// <see cref="IUsageSink"/>, and the token metrics as one of them. Register after the limits
    /// (forwarding steps run in registration order), so the limits can mark a call first.
    /// </summary>
    public static TBuilder AddUsageMetering<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UsageMetrics>();
        builder.Services.AddSingleton<IUsageSink>(services => services.GetRequiredService<UsageMetrics>());
        builder.Services.AddSingleton<IForwardingStep, UsageMeteringStep>();
        return builder;
    }
}
