using System.Text;
using BenchmarkDotNet.Attributes;
using ByokGateway.Usage;
using Microsoft.AspNetCore.Http;

namespace ByokGateway.Benchmarks.Usage;

/// <summary>
/// What usage metering adds to a response on its way to the client: <see cref="PlainCopy"/>
/// writes the chunks straight to the client's stream (what the proxy does anyway);
/// <see cref="Tapped"/> writes them through the <see cref="UsageTap"/> (a head copy while the head
/// fills, a tail copy of each write) and parses the usage once at the end. sse: an OpenAI stream of
/// 500 small chunks with the final usage chunk; json-64k: one non-streamed answer in 64 KB writes.
/// </summary>
[MemoryDiagnoser]
public class UsageTapBenchmarks
{
    private byte[][] _writes = [];
    private DefaultHttpContext _context = null!;

    [Params("sse", "json-64k")]
    public string Body { get; set; } = "sse";

    [GlobalSetup]
    public void Setup()
    {
        _context = new DefaultHttpContext();
        _context.Response.StatusCode = 200;
        if (Body == "sse")
        {
            _context.Response.ContentType = "text/event-stream; charset=utf-8";
            var chunk = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
            var usage = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":500,\"total_tokens\":512,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n";
            _writes = [.. Enumerable.Repeat(chunk, 500).Append(usage).Append("data: [DONE]\n\n").Select(Encoding.UTF8.GetBytes)];
        }
        else
        {
            _context.Response.ContentType = "application/json";
            var json = Encoding.UTF8.GetBytes("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + new string('w', 256 * 1024) + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":500,\"total_tokens\":512}}");
            _writes = [.. json.Chunk(64 * 1024)];
        }

        if (Tapped() != 500)
        {
            throw new InvalidOperationException("The tap did not read the usage.");
        }
    }

    [Benchmark(Baseline = true)]
    public long PlainCopy()
    {
        var client = Stream.Null;
        foreach (var write in _writes)
        {
            client.WriteAsync(write).AsTask().GetAwaiter().GetResult();
            client.FlushAsync().GetAwaiter().GetResult();
        }

        return 500;
    }

    [Benchmark]
    public long Tapped()
    {
        using var tap = new UsageTap(Stream.Null, _context.Response, injection: null);
        foreach (var write in _writes)
        {
            tap.WriteAsync(write).AsTask().GetAwaiter().GetResult();
            tap.FlushAsync().GetAwaiter().GetResult();
        }

        return UsageParser.Parse(tap.HeadFacts(), tap.Tail()).OutputTokens ?? -1;
    }
}
