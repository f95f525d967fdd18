using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ByokGateway.Bench;

/// <summary>A streaming scenario: N open streams of K chunks T ms apart (or large POST bodies), and how long to ramp up, settle and measure.</summary>
internal sealed record StreamScenario(string Name, int Streams, int Chunks, int IntervalMs, double RampSeconds, double WarmSeconds, double WindowSeconds, long BodyBytes = 0, int BodyCount = 0)
{
    public bool Bodies => BodyBytes > 0;

    public double ChunksPerSecond => Streams * 1000.0 / IntervalMs;

    public string Describe() => Bodies
        ? $"{BodyCount} POSTs of {BodyBytes / 1_000_000} MB, {Streams} at a time"
        : $"{Streams:N0} streams x {Chunks} chunks x {IntervalMs} ms ({ChunksPerSecond:N0} chunks/s)";
}

/// <summary>What one load-generator run of one configuration measured, with the proxy's CPU, memory and GC over its window.</summary>
internal sealed record StreamRun(int Round, StreamScenario Scenario, string Configuration, JsonObject Load, double CpuSeconds, long RssBeforeBytes, long RssWindowBytes, long RssPeakBytes, double? GcMaxPauseMs, double? GcTotalPauseMs, int? GcCount, int? Gen2Count)
{
    /// <summary>Approximate bytes the sidecar allocated per chunk (allocation ticks of the run, scaled to the window).</summary>
    public double? AllocatedBytesPerChunk { get; init; }

    public long Errors => Load["errors"]!.AsObject().Sum(e => e.Value!.GetValue<long>());

    public long Events => Load["events_in_window"]!.GetValue<long>();

    public double Lateness(string p) => Load["lateness_ms"]![p]!.GetValue<double>();

    public double Ttfb(string p) => Load["ttfb_ms"]![p]!.GetValue<double>();

    public double CpuMsPerThousandChunks => Events == 0 ? 0 : CpuSeconds * 1e6 / Events;

    /// <summary>The proxy's RSS when idle after the warm-up (see StreamBench.RunAsync).</summary>
    public long RssIdleBytes { get; init; }

    /// <summary>RSS with all N streams open over the idle RSS, per stream.</summary>
    public double KbPerStream => (RssWindowBytes - RssIdleBytes) / 1024.0 / Scenario.Streams;

    public double PeakGrowthMb => (RssPeakBytes - RssBeforeBytes) / 1_048_576.0;
}

/// <summary>
/// Issue 14's LLM shape: the C SSE upstream (bench/sse/upstream.c), the C load generator
/// (bench/sse/load.c), nginx with <c>proxy_buffering off</c> and the sidecar with its normal
/// features (token authentication, key resolution, key swap, the per-call log event), measured
/// interleaved: for every round and scenario direct, nginx, sidecar.
/// </summary>
internal static class StreamBench
{
    private const string Direct = "direct";
    private const string Nginx = "nginx";
    private const string Sidecar = "sidecar";
    private const string SidecarBName = "sidecar-b";

    public static IReadOnlyList<StreamScenario> AllScenarios { get; } =
    [
        new("s500", 500, 50, 50, 2, 3, 8),
        new("s2000", 2000, 50, 100, 4, 2, 10),
        new("s5000", 5000, 50, 250, 6, 2, 10),
        new("bodies5", 4, 0, 0, 0, 0, 0, 5_000_000, 40),
        new("bodies20", 2, 0, 0, 0, 0, 0, 20_000_000, 12),
    ];

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancel)
    {
        var started = Stopwatch.StartNew();
        var loadBefore = Program.LoadAverage();
        var loadgen = Path.Combine(options.Repo, "bench", "sse", "bin", "sse-load");
        if (!File.Exists(loadgen))
        {
            throw new FileNotFoundException($"{loadgen} is missing: bench/run.sh compiles it with gcc.");
        }

        var wanted = options.StreamScenarios?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var scenarios = AllScenarios.Where(s => wanted is null || wanted.Any(w => s.Name == w || (w == "bodies" && s.Bodies))).ToList();
        if (wanted?.Any(w => w.StartsWith("calls", StringComparison.Ordinal)) == true)
        {
            Console.WriteLine("  small calls (wrk) at " + string.Join(", ", wanted.Where(w => w.StartsWith("calls", StringComparison.Ordinal))));
        }
        Console.WriteLine();
        Console.WriteLine($"streams: {Environment.ProcessorCount} cores, load average {loadBefore}, fd limit {FdLimit()}; {options.StreamRounds} rounds x {scenarios.Count} scenarios x 3 configurations");
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"  {scenario.Name}: {scenario.Describe()}" + (scenario.Bodies ? "" : $", ramp {scenario.RampSeconds} s, settle {scenario.WarmSeconds} s, window {scenario.WindowSeconds} s"));
        }

        if (options.SidecarEnvironment.Count > 0)
        {
            Console.WriteLine("  sidecar environment: " + string.Join(' ', options.SidecarEnvironment.Select(e => $"{e.Name}={e.Value}")));
        }

        await using var stack = await Stack.StartAsync(options, streaming: true);
        var token = await stack.MintTokenAsync(Stack.BenchUser, TimeSpan.FromHours(2));
        await stack.StoreKeyAsync(token);
        var configurations = new List<(string Name, int Port, string Prefix, string Authorization, ChildProcess Server)>
        {
            (Direct, stack.Upstream.Port, "/v1/chat/completions", "Bearer " + Stack.ProviderKey, stack.UpstreamProcess),
            (Nginx, stack.NginxProxy.Port, "/openai/v1/chat/completions", "Bearer " + token, stack.NginxProcess),
            (Sidecar, stack.Sidecar.Port, "/openai/v1/chat/completions", "Bearer " + token, stack.SidecarProcess),
        };
        if (stack.SidecarB is { } sidecarB)
        {
            configurations.Add((SidecarBName, sidecarB.Port, "/openai/v1/chat/completions", "Bearer " + token, stack.SidecarBProcess!));
            Console.WriteLine($"  sidecar-b (A/B) environment: " + string.Join(' ', options.SidecarBEnvironment.Select(e => $"{e.Name}={e.Value}")));
        }

        Console.WriteLine($"  pids: upstream {stack.UpstreamProcess.Pid}, nginx {stack.NginxProcess.Pid}, sidecar {stack.SidecarProcess.Pid}" + (stack.SidecarBProcess is { } b ? $", sidecar-b {b.Pid}" : ""));
        foreach (var configuration in configurations)
        {
            var (status, source) = await stack.ChatAsync(new Uri($"http://127.0.0.1:{configuration.Port}{configuration.Prefix}"), configuration.Authorization);
            if (status != HttpStatusCode.OK || (configuration.Name == Sidecar && source != "byok"))
            {
                throw new InvalidOperationException($"{configuration.Name} answered {(int)status} (key source {source ?? "none"}) before the run; the setup is broken.");
            }
        }

        if (stack.TlsFrontProtocols() is { } protocols)
        {
            Console.WriteLine($"  the HTTPS front answered the setup calls over: {protocols}");
        }

        using var gc = GcPauses.Start(stack.SidecarProcess.Pid);
        using var gcB = stack.SidecarBProcess is { } processB ? GcPauses.Start(processB.Pid) : null;

        // Tiered compilation settles the sidecar's hot path under load (see SidecarWarmupSeconds).
        Console.WriteLine("streams: warming the sidecar up with 500 streams for 15 s");
        foreach (var sidecar in configurations.Where(c => c.Name.StartsWith(Sidecar, StringComparison.Ordinal)))
        {
            _ = await RunLoadAsync(loadgen, sidecar, new StreamScenario("warmup", 500, 50, 50, 2, 0, 13), 0, null, cancel);
        }

        // Memory per open stream is measured against each proxy's idle RSS taken here, once, after the
        // warm-up: nginx keeps the memory of its largest load (its pools are not returned), so growth
        // over the RSS just before a later run would show ~0 for it in every run after the first.
        await Task.Delay(2000, cancel);
        var idleRss = configurations.ToDictionary(c => c.Name, c => c.Server.RssBytes());
        Console.WriteLine("  idle RSS after the warm-up: " + string.Join(", ", idleRss.Select(r => $"{r.Key} {r.Value / 1_048_576.0:0.0} MB")));

        var runs = new List<StreamRun>();
        var calls = new List<(int Round, int Connections, string Configuration, WrkResult Wrk, double CpuMicrosecondsPerRequest)>();
        var callConnections = (wanted ?? []).Where(w => w.StartsWith("calls", StringComparison.Ordinal)).Select(w => int.Parse(w[5..], CultureInfo.InvariantCulture)).ToList();
        var script = Path.Combine(options.Repo, "bench", "wrk", "chat.lua");
        for (var round = 1; round <= options.StreamRounds; round++)
        {
            // Small calls (scenarios "calls8", "calls64"; wrk as in the calls benchmark, 8 s each) against
            // the same processes: in an A/B run, what a setting does to small calls, interleaved.
            foreach (var connections in callConnections)
            {
                foreach (var configuration in configurations)
                {
                    var before = configuration.Server.CpuTime();
                    var wrk = await Wrk.RunAsync(script, new Uri($"http://127.0.0.1:{configuration.Port}{configuration.Prefix}"), configuration.Authorization, connections, 8);
                    var cpu = (configuration.Server.CpuTime() - before).TotalSeconds * 1e6 / Math.Max(1, wrk.Requests);
                    calls.Add((round, connections, configuration.Name, wrk, cpu));
                    Console.WriteLine($"  round {round} calls c={connections,-3} {configuration.Name,-9} {wrk.RequestsPerSecond,9:N0} req/s  p50 {wrk.Latency.P50 / 1000.0,7:0.000} ms  cpu {cpu,5:0} µs/req  errors {wrk.Errors.Status + wrk.Errors.Socket}");
                }
            }

            foreach (var scenario in scenarios)
            {
                foreach (var configuration in configurations)
                {
                    cancel.ThrowIfCancellationRequested();
                    var run = await RunLoadAsync(loadgen, configuration, scenario, round, configuration.Name == Sidecar ? gc : configuration.Name == SidecarBName ? gcB : null, cancel) with { RssIdleBytes = idleRss[configuration.Name] };
                    runs.Add(run);
                    Console.WriteLine(scenario.Bodies
                        ? $"  round {round} {scenario.Name,-8} {configuration.Name,-8} {run.Load["requests"]} requests in {run.Load["window_s"]} s  peak RSS growth {run.PeakGrowthMb,6:0.0} MB  errors {run.Errors}"
                        : $"  round {round} {scenario.Name,-8} {configuration.Name,-8} lateness p50 {run.Lateness("p50"),6:0.00} p99 {run.Lateness("p99"),7:0.00} p99.9 {run.Lateness("p999"),7:0.00} ms  ttfb p50 {run.Ttfb("p50"),6:0.00} p99 {run.Ttfb("p99"),7:0.00} ms  cpu {run.CpuMsPerThousandChunks,5:0.0} ms/1k chunks  {run.KbPerStream,5:0.0} KB/stream  errors {run.Errors}" +
                          (run.GcCount is { } count ? $"  gc {count} ({run.Gen2Count} gen2) max pause {run.GcMaxPauseMs:0.0} ms, ~{run.AllocatedBytesPerChunk:0} B allocated per chunk" : ""));
                }
            }
        }

        if (stack.SidecarProcess.HasExited)
        {
            throw new InvalidOperationException("The sidecar exited during the run:\n" + stack.SidecarProcess.Tail());
        }

        var report = new StreamReport(runs, scenarios);
        Console.WriteLine();
        foreach (var group in calls.GroupBy(c => (c.Connections, c.Configuration)))
        {
            var nginx = calls.Where(c => c.Connections == group.Key.Connections && c.Configuration == Nginx).ToList();
            var direct = calls.Where(c => c.Connections == group.Key.Connections && c.Configuration == Direct).ToList();
            var ratio = group.Select(c => c.Wrk.RequestsPerSecond / nginx.First(n => n.Round == c.Round).Wrk.RequestsPerSecond).Order().ToList();
            var added = group.Select(c => (c.Wrk.Latency.P50 - direct.First(d => d.Round == c.Round).Wrk.Latency.P50) / 1000.0).Order().ToList();
            Console.WriteLine($"calls c={group.Key.Connections} {group.Key.Configuration,-9}: {ratio[ratio.Count / 2] * 100:0.0} % of nginx's throughput, added p50 {added[added.Count / 2]:0.000} ms, cpu {group.Select(c => c.CpuMicrosecondsPerRequest).Order().ElementAt(group.Count() / 2):0} µs/req (medians over {group.Count()} rounds)");
        }

        Console.Write(report.Table());
        Console.WriteLine();
        Console.WriteLine("Streaming targets (issue 14):");
        var targets = report.Targets();
        foreach (var target in targets)
        {
            Console.WriteLine($"  [{(target.Holds ? "HOLDS" : "MISSED")}] {target.Name}: {target.Measured}");
        }

        var json = report.ToJson();
        json["load_average_before"] = loadBefore;
        json["load_average_after"] = Program.LoadAverage();
        json["elapsed_s"] = Math.Round(started.Elapsed.TotalSeconds);
        json["sidecar_b_environment"] = new JsonArray([.. options.SidecarBEnvironment.Select(e => (JsonNode)$"{e.Name}={e.Value}")]);
        json["sidecar_environment"] = new JsonArray([.. options.SidecarEnvironment.Select(e => (JsonNode)$"{e.Name}={e.Value}")]);
        Directory.CreateDirectory(options.Results);
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var file = Path.Combine(options.Results, $"streams-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(file, text, cancel);
        await File.WriteAllTextAsync(Path.Combine(options.Results, "latest-streams.json"), text, cancel);
        Console.WriteLine();
        Console.WriteLine($"Results: {file} (also latest-streams.json); load average before {loadBefore}, after {json["load_average_after"]}; {started.Elapsed.TotalMinutes:0.0} min");
        return targets.All(t => t.Holds) ? 0 : 2;
    }

    private static async Task<StreamRun> RunLoadAsync(string loadgen, (string Name, int Port, string Prefix, string Authorization, ChildProcess Server) configuration, StreamScenario scenario, int round, GcPauses? gc, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(loadgen) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var port = configuration.Port.ToString(CultureInfo.InvariantCulture);
        string[] arguments = scenario.Bodies
            ? ["bodies", port, configuration.Prefix, configuration.Authorization, Str(scenario.BodyBytes), Str(scenario.BodyCount), Str(scenario.Streams)]
            : ["streams", port, $"{configuration.Prefix}?k={scenario.Chunks}&t={scenario.IntervalMs}", configuration.Authorization, Str(scenario.Streams), Str(scenario.RampSeconds), Str(scenario.WarmSeconds), Str(scenario.WindowSeconds)];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var server = configuration.Server;
        _ = gc?.TakeAllocations();
        var rssBefore = server.RssBytes();
        var rssPeak = rssBefore;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start sse-load.");
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        TimeSpan cpuStart = default, cpuEnd = default;
        long rssWindow = rssBefore;
        DateTime windowStart = default, windowEnd = default;
        string? last = null;

        // Large bodies: sample the proxy's memory while they pass.
        using var sampling = new CancellationTokenSource();
        var sampler = scenario.Bodies ? Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, server.RssBytes());
                try
                {
                    await Task.Delay(20, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None) : Task.CompletedTask;

        while (await process.StandardOutput.ReadLineAsync(cancel) is { } line)
        {
            if (line == "window-start")
            {
                windowStart = DateTime.Now;
                cpuStart = server.CpuTime();
                rssWindow = server.RssBytes();
            }
            else if (line == "window-end")
            {
                cpuEnd = server.CpuTime();
                windowEnd = DateTime.Now;
                rssPeak = Math.Max(rssPeak, rssWindow);
            }
            else if (line.StartsWith('{'))
            {
                last = line;
            }
        }

        await process.WaitForExitAsync(cancel);
        await sampling.CancelAsync();
        await sampler;
        if (process.ExitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"sse-load exited with {process.ExitCode}: {await stderr}");
        }

        double? maxPause = null, totalPause = null;
        int? count = null, gen2 = null;
        double? allocatedPerChunk = null;
        if (gc is not null)
        {
            // EventPipe delivers events in batches; give the last ones a moment to arrive.
            await Task.Delay(1500, cancel);
            var allocations = gc.TakeAllocations();
            if (!scenario.Bodies && round > 0)
            {
                var json = JsonNode.Parse(last)!;
                var chunks = json["events_in_window"]!.GetValue<long>();
                var total = allocations.Sum(a => a.Bytes);
                // The whole run (ramp included) over the chunks of the whole run is not known; the
                // window's share is close enough for a profile: allocations per window chunk.
                allocatedPerChunk = chunks == 0 ? null : total / (double)chunks * (scenario.WindowSeconds / (scenario.RampSeconds + scenario.WarmSeconds + scenario.WindowSeconds));
                Console.WriteLine($"    allocations ({configuration.Name}, whole run, sampled by type): " + string.Join(", ", allocations.Take(6).Select(a => $"{a.Type} {a.Bytes / 1024} KB")));
                var window = gc.AllocationsBetween(windowStart, windowEnd);
                if (chunks > 0 && window.Count > 0)
                {
                    Console.WriteLine($"    allocations in the window ({configuration.Name}, sampled, bytes per chunk): {window.Sum(a => a.Bytes) / (double)chunks:F0} in all; "
                        + string.Join(", ", window.Take(10).Select(a => $"{a.Type} {a.Bytes / (double)chunks:F1}")));
                }
            }
            var pauses = gc.Between(windowStart, windowEnd);
            maxPause = pauses.Count == 0 ? 0 : pauses.Max(p => p.Ms);
            totalPause = pauses.Sum(p => p.Ms);
            count = pauses.Count;
            gen2 = pauses.Count(p => p.Generation == 2);
            if (pauses.Count > 0 && !scenario.Bodies)
            {
                // Where a pause's time goes: suspending the threads, or collecting what survives.
                var longest = pauses.MaxBy(p => p.Ms)!;
                Console.WriteLine($"    gc ({configuration.Name}): by generation {string.Join(", ", pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key).Select(g => $"gen{g.Key} x{g.Count()} max {g.Max(p => p.Ms):0.0} ms"))}; longest: gen{longest.Generation} {longest.Ms:0.0} ms (suspend {longest.SuspendMs:0.0} ms), promoted {longest.PromotedMb:0.0} MB, reason {longest.Reason}, gen0 budget {longest.Gen0BudgetMb:0.0} MB, after it gen0 {longest.Gen0Mb:0.0} / gen1 {longest.Gen1Mb:0.0} / gen2 {longest.Gen2Mb:0.0} MB; promoted per GC median {pauses.Select(p => p.PromotedMb).Order().ElementAt(pauses.Count / 2):0.0} MB");
                if (Environment.GetEnvironmentVariable("BENCH_GC_TIMELINE") == "1")
                {
                    // Every pause of the window, to tell what a pause grows with (stream churn, time, heap).
                    foreach (var p in pauses)
                    {
                        var cards = p.Phases?.FirstOrDefault(f => f.Phase.StartsWith("older generations", StringComparison.Ordinal)).Ms ?? 0;
                        Console.WriteLine($"      t {(p.Start - windowStart).TotalSeconds,5:0.00} s gen{p.Generation} {p.Ms,5:0.0} ms promoted {p.PromotedMb,4:0.0} MB cards {cards,5:0.0} ms gen1 {p.Gen1Mb:0.0} gen2 {p.Gen2Mb:0.0} MB");
                    }
                }

                if (longest.Phases is { Count: > 0 } phases)
                {
                    Console.WriteLine($"      longest pause's phases: {string.Join(", ", phases.Select(p => $"{p.Phase} {p.Ms:0.0} ms"))}");
                    Console.WriteLine($"      pinned objects {longest.PinnedObjects}, GC handles {longest.GcHandles}; pinned at that GC: {(longest.PinnedTypes.Length > 0 ? longest.PinnedTypes : "none reported")}");
                }
            }
        }

        // Let the closed connections settle before the next configuration.
        await Task.Delay(1000, cancel);
        return new StreamRun(round, scenario, configuration.Name, JsonNode.Parse(last)!.AsObject(), (cpuEnd - cpuStart).TotalSeconds, rssBefore, rssWindow, rssPeak, maxPause, totalPause, count, gen2) { AllocatedBytesPerChunk = allocatedPerChunk };
    }

    private static string Str(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FdLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            return line is null ? "unknown" : string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..4]);
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

/// <summary>Medians over rounds, the ratios to nginx and the targets of issue 14.</summary>
internal sealed class StreamReport(IReadOnlyList<StreamRun> runs, IReadOnlyList<StreamScenario> scenarios)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private IEnumerable<StreamRun> Of(string scenario, string configuration) =>
        runs.Where(r => r.Scenario.Name == scenario && r.Configuration == configuration);

    private List<double> PerRound(string scenario, Func<StreamRun, StreamRun, StreamRun, double> value) =>
        [.. Of(scenario, "sidecar").Select(s => (s, n: Of(scenario, "nginx").FirstOrDefault(n => n.Round == s.Round), d: Of(scenario, "direct").FirstOrDefault(d => d.Round == s.Round)))
            .Where(t => t.n is not null && t.d is not null)
            .Select(t => value(t.s, t.n!, t.d!))];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Rounds(IEnumerable<double> values, string format) => string.Join(", ", values.Select(v => v.ToString(format, Invariant)));

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | configuration | errors | added TTFB p50 / p99 ms | lateness p50 / p99 / p99.9 ms | CPU ms per 1,000 chunks | KB per open stream | GC pauses in window (max / total ms, count, gen2) |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in scenarios.Where(s => !s.Bodies))
        {
            foreach (var configuration in new[] { "direct", "nginx", "sidecar", "sidecar-b" })
            {
                var mine = Of(scenario.Name, configuration).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                var added = mine.Select(r => (r, d: Of(scenario.Name, "direct").First(d => d.Round == r.Round))).ToList();
                var gc = configuration.StartsWith("sidecar", StringComparison.Ordinal)
                    ? $"{mine.Max(r => r.GcMaxPauseMs ?? 0):0.0} / {Median(mine.Select(r => r.GcTotalPauseMs ?? 0)):0.0}, {Median(mine.Select(r => (double)(r.GcCount ?? 0))):0}, {Median(mine.Select(r => (double)(r.Gen2Count ?? 0))):0}"
                    : "";
                text.AppendLine(string.Create(Invariant, $"| {scenario.Name} | {configuration} | {mine.Sum(r => r.Errors)} | ") +
                    (configuration == "direct"
                        ? string.Create(Invariant, $"({Median(mine.Select(r => r.Ttfb("p50"))):0.000} / {Median(mine.Select(r => r.Ttfb("p99"))):0.000} absolute)")
                        : string.Create(Invariant, $"{Median(added.Select(a => a.r.Ttfb("p50") - a.d.Ttfb("p50"))):0.000} / {Median(added.Select(a => a.r.Ttfb("p99") - a.d.Ttfb("p99"))):0.000}")) +
                    string.Create(Invariant, $" | {Median(mine.Select(r => r.Lateness("p50"))):0.00} / {Median(mine.Select(r => r.Lateness("p99"))):0.00} / {Median(mine.Select(r => r.Lateness("p999"))):0.00}") +
                    string.Create(Invariant, $" | {Median(mine.Select(r => r.CpuMsPerThousandChunks)):0.0} | {KbPerStream(scenario, mine):0.0} | {gc} |"));
            }
        }

        var bodies = scenarios.Where(s => s.Bodies).ToList();
        if (bodies.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| large bodies | configuration | errors | requests | peak RSS growth MB |");
            text.AppendLine("|---|---|---:|---:|---:|");
            foreach (var scenario in bodies)
            {
                foreach (var configuration in new[] { "direct", "nginx", "sidecar", "sidecar-b" })
                {
                    var mine = Of(scenario.Name, configuration).ToList();
                    if (mine.Count > 0)
                    {
                        text.Append(Invariant, $"| {scenario.Describe()} | {configuration} | {mine.Sum(r => r.Errors)} | {mine.Sum(r => r.Load["requests"]!.GetValue<long>())} | {mine.Max(r => r.PeakGrowthMb):0.0} |").AppendLine();
                    }
                }
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Memory per open stream is RSS over the idle RSS, so it is only read where the proxy holds its
    /// most streams so far: the median for the largest scenario, round 1 for the smaller ones (in later
    /// rounds nginx still holds the memory of the largest).
    /// </summary>
    private double KbPerStream(StreamScenario scenario, List<StreamRun> mine) =>
        scenario.Streams == scenarios.Where(s => !s.Bodies).Max(s => s.Streams)
            ? Median(mine.Select(r => r.KbPerStream))
            : mine.MinBy(r => r.Round)!.KbPerStream;

    public IReadOnlyList<TargetCheck> Targets()
    {
        var targets = new List<TargetCheck>();
        if (scenarios.Any(s => s.Name == "s5000"))
        {
            var p99 = Of("s5000", "sidecar").Select(r => r.Lateness("p99")).ToList();
            targets.Add(new TargetCheck("5,000 open streams at 20k chunks/s: sidecar chunk lateness p99 <= 10 ms", $"{Median(p99):0.00} ms (rounds: {Rounds(p99, "0.00")}; nginx {Median(Of("s5000", "nginx").Select(r => r.Lateness("p99"))):0.00} ms)", p99.Count > 0 && Median(p99) <= 10));
            var errors = Of("s5000", "sidecar").Sum(r => r.Errors);
            targets.Add(new TargetCheck("5,000 open streams: 0 errors (sidecar)", $"{errors} errors", errors == 0));
            var pauses = Of("s5000", "sidecar").Select(r => r.GcMaxPauseMs ?? double.NaN).ToList();
            targets.Add(new TargetCheck("5,000 open streams: no GC pause over 10 ms in the window (sidecar)", $"longest {pauses.Max():0.0} ms (rounds: {Rounds(pauses, "0.0")}; gen2 collections {Of("s5000", "sidecar").Sum(r => r.Gen2Count ?? 0)})", pauses.Count > 0 && pauses.All(p => p <= 10)));
            var memory = PerRound("s5000", (s, n, _) => s.KbPerStream / n.KbPerStream);
            targets.Add(new TargetCheck("memory per open stream (5,000 streams) <= 1.5x nginx's", $"{Median(memory):0.00}x (rounds: {Rounds(memory, "0.00")}; sidecar {Median(Of("s5000", "sidecar").Select(r => r.KbPerStream)):0.0} KB, nginx {Median(Of("s5000", "nginx").Select(r => r.KbPerStream)):0.0} KB)", memory.Count > 0 && Median(memory) <= 1.5));
        }

        if (scenarios.Any(s => s.Name == "s500"))
        {
            var cpu = PerRound("s500", (s, n, _) => s.CpuMsPerThousandChunks / n.CpuMsPerThousandChunks);
            targets.Add(new TargetCheck("500 streams at 10k chunks/s: sidecar CPU per chunk <= 2x nginx's", $"{Median(cpu):0.00}x (rounds: {Rounds(cpu, "0.00")}; sidecar {Median(Of("s500", "sidecar").Select(r => r.CpuMsPerThousandChunks)):0.0}, nginx {Median(Of("s500", "nginx").Select(r => r.CpuMsPerThousandChunks)):0.0} ms per 1,000 chunks)", cpu.Count > 0 && Median(cpu) <= 2));
        }

        var sidecarErrors = runs.Where(r => r.Configuration == "sidecar").Sum(r => r.Errors);
        targets.Add(new TargetCheck("0 errors in every streaming and large-body run (sidecar)", $"{sidecarErrors} errors", sidecarErrors == 0));

        foreach (var scenario in scenarios.Where(s => s.Bodies))
        {
            // Buffered bodies would hold every body in flight (concurrency x size); streamed ones hold pooled buffers and
            // at most Kestrel's request buffer (1 MB) per connection, whatever the body's size.
            var growth = Of(scenario.Name, "sidecar").Select(r => r.PeakGrowthMb).ToList();
            var limit = scenario.BodyBytes * scenario.Streams / 1_048_576.0 / 2;
            targets.Add(new TargetCheck($"{scenario.Describe()}: not buffered (sidecar peak RSS growth < half the bytes in flight, {limit:0.0} MB)", $"{(growth.Count == 0 ? double.NaN : growth.Max()):0.0} MB (nginx {Of(scenario.Name, "nginx").Select(r => r.PeakGrowthMb).DefaultIfEmpty().Max():0.0} MB)", growth.Count > 0 && growth.Max() < limit));
        }

        // The bench's own check: the upstream alone keeps its schedule, so what the proxies add is theirs.
        var direct = runs.Where(r => r.Configuration == "direct" && !r.Scenario.Bodies).Select(r => r.Lateness("p99")).ToList();
        if (direct.Count > 0)
        {
            targets.Add(new TargetCheck("the upstream is not the bottleneck: direct chunk lateness p99 <= 2 ms in every run", $"worst {direct.Max():0.00} ms", direct.Max() <= 2));
        }

        return targets;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Round,
                ["scenario"] = r.Scenario.Name,
                ["configuration"] = r.Configuration,
                ["load"] = r.Load.DeepClone(),
                ["proxy_cpu_s"] = r.CpuSeconds,
                ["cpu_ms_per_1000_chunks"] = r.CpuMsPerThousandChunks,
                ["rss_idle_bytes"] = r.RssIdleBytes,
                ["rss_before_bytes"] = r.RssBeforeBytes,
                ["rss_window_bytes"] = r.RssWindowBytes,
                ["rss_peak_bytes"] = r.RssPeakBytes,
                ["kb_per_stream"] = r.KbPerStream,
                ["gc_max_pause_ms"] = r.GcMaxPauseMs,
                ["gc_total_pause_ms"] = r.GcTotalPauseMs,
                ["gc_count"] = r.GcCount,
                ["gc_gen2_count"] = r.Gen2Count,
                ["allocated_bytes_per_chunk"] = r.AllocatedBytesPerChunk,
            })]),
            ["targets"] = new JsonArray([.. Targets().Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["measured"] = t.Measured, ["holds"] = t.Holds })]),
        };
        return json;
    }
}
