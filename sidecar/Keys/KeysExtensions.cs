using System.Threading.RateLimiting;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Security;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace ByokGateway.Keys;

public static class KeysExtensions
{
    /// <summary>
    /// The key store and its cache: FusionCache in memory with fail-safe and single-flight loads;
    /// with <c>Cache:Redis</c> also Redis as L2 and as the backplane that carries invalidations to
    /// every replica.
    /// </summary>
    public static TBuilder AddKeyStore<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ByokOptions>().BindConfiguration(ByokOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var cacheOptions = builder.Configuration.GetSection(CacheOptions.SectionName).Get<CacheOptions>() ?? new CacheOptions();

        var cache = builder.Services.AddFusionCache()
            .WithDefaultEntryOptions(new FusionCacheEntryOptions
            {
                Duration = cacheOptions.Duration,
                IsFailSafeEnabled = true,
                FailSafeMaxDuration = cacheOptions.FailSafeMaxDuration,
                FailSafeThrottleDuration = cacheOptions.FailSafeThrottleDuration,
            });
        if (!string.IsNullOrWhiteSpace(cacheOptions.Redis))
        {
            cache.WithSerializer(new FusionCacheSystemTextJsonSerializer())
                .WithDistributedCache(new RedisCache(new RedisCacheOptions { Configuration = cacheOptions.Redis }))
                .WithBackplane(new RedisBackplane(new RedisBackplaneOptions { Configuration = cacheOptions.Redis }));
        }

        builder.Services.AddSingleton<KeyStoreMetrics>();
        builder.Services.AddSingleton<KeyStore>();
        return builder;
    }

    /// <summary>The management API's services: key tests (with their HTTP clients) and the per-user rate limits.</summary>
    public static TBuilder AddByokApi<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<KeyTester>();
        builder.Services.AddHttpClient(KeyTester.TrustedClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.AddHttpClient(KeyTester.GuardedClient)
            .ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<OutboundGuard>().CreateHandler());

        builder.Services.AddSingleton<KeyRateLimits>();
        return builder;
    }
}
