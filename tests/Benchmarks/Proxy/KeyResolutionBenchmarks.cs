using BenchmarkDotNet.Attributes;
using ByokGateway.Benchmarks.Crypto;
using ByokGateway.Crypto;
using ByokGateway.Keys;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace ByokGateway.Benchmarks.Proxy;

/// <summary>
/// What the proxy does per request to pick the key: the user's record from the cache (a hit), the
/// tier check, the Fernet decryption and the provider's auth header value.
/// </summary>
[MemoryDiagnoser]
public class KeyResolutionBenchmarks
{
    private const string UserId = "8c1f0d52-0b0b-4b0b-9b0b-000000000002";

    private WebApplication _app = null!;
    private KeyResolver _resolver = null!;
    private Provider _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = SidecarServices.Build(Fernet.GenerateKey());
        var services = _app.Services;
        _resolver = services.GetRequiredService<KeyResolver>();
        _provider = services.GetRequiredService<ProviderCatalog>().All.Single(p => p.Id == "openai");

        var ciphertext = services.GetRequiredService<KeyRing>().Encrypt(FernetDecryptBenchmarks.TypicalKey);
        var record = new ByokRecord(UserId, "starter", new Dictionary<string, StoredKey>
        {
            ["openai"] = new(ciphertext, "bench", DateTimeOffset.UtcNow, null, null, null),
        });
        services.GetRequiredService<IFusionCache>().Set<ByokRecord?>(KeyStore.CacheKey(UserId), record);

        if (ResolveHeader().AsTask().GetAwaiter().GetResult() != "Bearer " + FernetDecryptBenchmarks.TypicalKey)
        {
            throw new InvalidOperationException("The cached record did not resolve to the stored key.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Allocated bytes per resolution over many cache hits (what BenchmarkDotNet's memory diagnoser reports, quicker).</summary>
    public static double MeasureAllocatedBytes()
    {
        const int Operations = 100_000;
        var benchmark = new KeyResolutionBenchmarks();
        benchmark.Setup();
        try
        {
            for (var i = 0; i < Operations; i++)
            {
                Consume(benchmark.ResolveHeader());
            }

            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Operations; i++)
            {
                Consume(benchmark.ResolveHeader());
            }

            return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Operations;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private static void Consume(ValueTask<string> pending)
    {
        // AsTask() on a completed ValueTask would allocate a Task and count it.
        _ = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async ValueTask<string> ResolveHeader()
    {
        var (key, _) = await _resolver.ResolveAsync(_provider, UserId, CancellationToken.None);
        return key!.Provider.AuthHeaderValue(key.Key);
    }
}
