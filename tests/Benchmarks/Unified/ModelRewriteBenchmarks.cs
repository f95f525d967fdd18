using System.Text;
using BenchmarkDotNet.Attributes;
using ByokGateway.Providers;
using ByokGateway.Unified;
using Microsoft.Extensions.Options;

namespace ByokGateway.Benchmarks.Unified;

/// <summary>
/// What the unified <c>/v1</c> endpoint adds per call over a provider route: reading the body as
/// far as its top-level <c>model</c>, choosing the provider, cutting the prefix and replaying the
/// read bytes into the forwarder's copy buffer. <see cref="ProviderRoute"/> is the copy a provider
/// route does anyway (YARP streams the body through a 64 KB buffer); the difference is the cost.
/// </summary>
[MemoryDiagnoser]
public class ModelRewriteBenchmarks
{
    private readonly byte[] _copyBuffer = new byte[64 * 1024];
    private byte[] _body = null!;
    private ModelRouter _router = null!;

    /// <summary>wrk: the 90-byte request of make bench; chat-4k: a conversation, model first; image-1m-model-last: 1 MB, model at the end (Python SDK order).</summary>
    [Params("wrk", "chat-4k", "image-1m-model-last")]
    public string Body { get; set; } = "wrk";

    [GlobalSetup]
    public void Setup()
    {
        var catalog = new ProviderCatalog(new Dictionary<string, ProviderOptions>
        {
            ["openai"] = new() { BaseUrl = new Uri("https://api.openai.com"), OpenAiPath = "/v1" },
        });
        _router = new ModelRouter(catalog, Options.Create(new UnifiedOptions()));
        var messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]";
        _body = Encoding.UTF8.GetBytes(Body switch
        {
            "wrk" => "{\"model\":\"openai/gpt-4o-mini\"," + messages + ",\"max_tokens\":16}",
            "chat-4k" => "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[" + string.Join(',', Enumerable.Repeat("{\"role\":\"user\",\"content\":\"" + new string('w', 200) + "\"}", 18)) + "]}",
            _ => "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + new string('A', 1 << 20) + "\"}}]}],\"model\":\"openai/gpt-4o-mini\"}",
        });
        if (UnifiedEndpoint() != _body.Length - "openai/".Length)
        {
            throw new InvalidOperationException("The rewrite did not cut exactly the provider prefix.");
        }
    }

    /// <summary>
    /// For a 20 MB body with <c>model</c> first and last: bytes the rewrite held (read before
    /// forwarding) and bytes it allocated, after a warm-up so the buffer pool is primed as in a
    /// running gateway. JSON for <c>unified-memory-probe</c>.
    /// </summary>
    public static string MeasureMemory()
    {
        var results = new List<string>();
        foreach (var modelLast in new[] { false, true })
        {
            var benchmark = new ModelRewriteBenchmarks();
            benchmark.Setup();
            var image = "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + new string('A', 20 << 20) + "\"}}]}]";
            benchmark._body = Encoding.UTF8.GetBytes(modelLast ? "{" + image + ",\"model\":\"openai/gpt-4o\"}" : "{\"model\":\"openai/gpt-4o\"," + image + "}");
            benchmark.UnifiedEndpoint();
            var held = benchmark.HeldBytes();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            const int Runs = 10;
            for (var i = 0; i < Runs; i++)
            {
                benchmark.UnifiedEndpoint();
            }

            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / Runs;
            results.Add($$"""{"body_bytes":{{benchmark._body.Length}},"model":"{{(modelLast ? "last" : "first")}}","held_bytes":{{held}},"allocated_bytes_per_call":{{allocated}}}""");
        }

        return "[" + string.Join(',', results) + "]";
    }

    // How much of the body the scan read (and the rewrite holds until it is forwarded).
    private long HeldBytes()
    {
        using var prefix = new BodyPrefix();
        ModelScanner.ScanAsync(prefix, new MemoryStream(_body, writable: false), 32 << 20, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return prefix.Length;
    }

    [Benchmark(Baseline = true)]
    public long ProviderRoute() => Drain(new MemoryStream(_body, writable: false));

    [Benchmark]
    public long UnifiedEndpoint() => UnifiedEndpointAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<long> UnifiedEndpointAsync()
    {
        var client = new MemoryStream(_body, writable: false);
        var prefix = new BodyPrefix();
        var scan = await ModelScanner.ScanAsync(prefix, client, 32 << 20, CancellationToken.None);
        var route = _router.Route(scan.Model!);
        await using var forwarded = ModelRewrite.Splice(prefix, scan, route.Provider!, route.PrefixLength, client);
        return Drain(forwarded);
    }

    private long Drain(Stream body)
    {
        long total = 0;
        int read;
        while ((read = body.Read(_copyBuffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
