using ByokGateway.Keys;
using ByokGateway.Proxy;
using ByokGateway.Usage;
using Microsoft.Extensions.Options;

namespace ByokGateway.Limits;

public static class LimitsExtensions
{
    /// <summary>
    /// Per-tier limits of proxied calls (DESIGN.md §12): the forwarding step that refuses calls
    /// past them, and the usage sink that charges tokens. Register before usage metering: steps
    /// run in registration order, and a refused call is then metered too. Counters live in Redis
    /// when <c>Cache:Redis</c> is set (shared by the replicas), else in this process.
    /// </summary>
    public static TBuilder AddUsageLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        builder.Services.AddSingleton<LimitPolicy>();
        builder.Services.AddSingleton<LimitMetrics>();

        var redis = builder.Configuration.GetSection(CacheOptions.SectionName).Get<CacheOptions>()?.Redis;
        if (string.IsNullOrWhiteSpace(redis))
        {
            builder.Services.AddSingleton<ILimitCounters, MemoryLimitCounters>();
        }
        else
        {
            builder.Services.AddSingleton<ILimitCounters>(services => ActivatorUtilities.CreateInstance<RedisLimitCounters>(services, redis));
        }

        builder.Services.AddSingleton<IForwardingStep, LimitsStep>();
        builder.Services.AddSingleton<LimitTokenCounter>();
        builder.Services.AddSingleton<IUsageSink>(services => services.GetRequiredService<LimitTokenCounter>());
        return builder;
    }
}
