using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ByokGateway.Bench;

internal static class Program
{
    private const string LogEventText = "Proxied openai call";

    /// <summary>The model the unified-endpoint configuration sends: provider prefix plus the provider's name.</summary>
    private const string UnifiedModel = "openai/gpt-4o-mini";

    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 64;
        }

        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }

        var started = Stopwatch.StartNew();
        try
        {
            var status = 0;
            if (options.RunCalls)
            {
                status = await RunCallsAsync(options, cancel, started);
            }

            if (options.RunStreams && !cancel.IsCancellationRequested)
            {
                var streams = await StreamBench.RunAsync(options, cancel.Token);
                status = status == 0 ? streams : status;
            }

            return status;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("byok-bench: interrupted; servers stopped.");
            return 130;
        }
    }

    private static async Task<int> RunCallsAsync(BenchOptions options, CancellationTokenSource cancel, Stopwatch started)
    {
        var loadBefore = LoadAverage();
        Console.WriteLine($"byok-bench: {Environment.ProcessorCount} cores, load average {loadBefore}; {options.Rounds} rounds x {options.Connections.Length} connection counts x {Enum.GetValues<Target>().Length} configurations x {options.DurationSeconds} s");
        if (double.TryParse(loadBefore.Split(' ')[0], CultureInfo.InvariantCulture, out var load) && load > 1.0)
        {
            Console.WriteLine("warning: the machine is busy (1-minute load > 1); the numbers will be noisy. Rerun when it is quiet.");
        }

        {
            await using var stack = await Stack.StartAsync(options);
            Console.WriteLine($"upstream {stack.Upstream}, nginx {stack.NginxProxy}, emulator {stack.Keycloak}, sidecar {stack.Sidecar} (work folder {stack.Work})");

            // The measured user: a token valid for longer than the run, the key stored through the
            // sidecar's API, the record cached by a first proxied request.
            var token = await stack.MintTokenAsync(Stack.BenchUser, TimeSpan.FromHours(2));
            await stack.StoreKeyAsync(token);
            var gatewayKey = await stack.CreateGatewayKeyAsync(token);
            var script = Path.Combine(options.Repo, "bench", "wrk", "chat.lua");
            var configurations = new Dictionary<Target, (Uri Url, string Authorization, ChildProcess Server)>
            {
                [Target.Direct] = (new Uri(stack.Upstream, "v1/chat/completions"), "Bearer " + Stack.ProviderKey, stack.UpstreamProcess),
                [Target.Nginx] = (new Uri(stack.NginxProxy, "openai/v1/chat/completions"), "Bearer " + token, stack.NginxProcess),
                [Target.NginxNoLog] = (new Uri(stack.NginxNoLogProxy, "openai/v1/chat/completions"), "Bearer " + token, stack.NginxNoLogProcess),
                [Target.Sidecar] = (new Uri(stack.Sidecar, "openai/v1/chat/completions"), "Bearer " + token, stack.SidecarProcess),
                [Target.SidecarUnified] = (new Uri(stack.Sidecar, "v1/chat/completions"), "Bearer " + token, stack.SidecarProcess),
                [Target.SidecarGatewayKey] = (new Uri(stack.Sidecar, "openai/v1/chat/completions"), "Bearer " + gatewayKey, stack.SidecarProcess),
            };
            foreach (var (target, configuration) in configurations)
            {
                var (status, source) = target == Target.SidecarUnified
                    ? await stack.ChatAsync(configuration.Url, configuration.Authorization, UnifiedModel)
                    : await stack.ChatAsync(configuration.Url, configuration.Authorization);
                if (status != HttpStatusCode.OK || (IsSidecar(target) && source != "byok"))
                {
                    throw new InvalidOperationException($"{Report.Name(target)} answered {(int)status} (key source {source ?? "none"}) before the run; the setup is broken.");
                }
            }

            Console.WriteLine($"key stored for '{Stack.BenchUser}' and cached (sidecar cache duration {Stack.CacheDuration:c}, longer than the run), gateway key created; warming up {options.WarmupSeconds} s each, the sidecar {SidecarWarmupSeconds(options)} s");
            var warmups = new List<Measurement>();
            foreach (var (target, configuration) in configurations)
            {
                var seconds = IsSidecar(target) ? SidecarWarmupSeconds(options) : options.WarmupSeconds;
                warmups.Add(await MeasureAsync(stack, script, target, configuration, 0, options.Connections.Max(), seconds));
            }

            var runs = new List<Measurement>();
            for (var round = 1; round <= options.Rounds && !cancel.IsCancellationRequested; round++)
            {
                foreach (var connections in options.Connections)
                {
                    foreach (var (target, configuration) in configurations)
                    {
                        cancel.Token.ThrowIfCancellationRequested();
                        var run = await MeasureAsync(stack, script, target, configuration, round, connections, options.DurationSeconds);
                        runs.Add(run);
                        Console.WriteLine($"  round {round} c={connections,-3} {Report.Name(target),-11} {run.Wrk.RequestsPerSecond,9:N0} req/s  p50 {run.Wrk.Latency.P50 / 1000.0,7:0.000} ms  p99 {run.Wrk.Latency.P99 / 1000.0,7:0.000} ms  cpu {run.ServerCpuMicrosecondsPerRequest,5:0} µs/req  errors {run.Wrk.Errors.Status + run.Wrk.Errors.Socket}");
                    }
                }
            }

            if (stack.SidecarProcess.HasExited)
            {
                throw new InvalidOperationException("The sidecar exited during the run:\n" + stack.SidecarProcess.Tail());
            }

            var report = new Report(options, runs, warmups) { LoadBefore = loadBefore };
            if (options.Cold)
            {
                Console.WriteLine($"cold path: {ColdPath.ConcurrentRequests} concurrent first requests of one user, then first requests of {ColdPath.DistinctUsers:N0} new users ({ColdPath.Parallelism} at a time)");
                report.ColdPath = await ColdPath.RunAsync(stack, cancel.Token);
            }

            report.KeyResolutionBytesPerRequest = await ProbeAllocationsAsync(options);
            report.LoadAfter = LoadAverage();

            Console.WriteLine();
            Console.Write(report.Table());
            Console.WriteLine();
            Console.WriteLine("Targets:");
            var targets = report.Targets();
            foreach (var target in targets)
            {
                Console.WriteLine($"  [{(target.Holds ? "HOLDS" : "MISSED")}] {target.Name}: {target.Measured}");
            }

            Directory.CreateDirectory(options.Results);
            var json = report.ToJson();
            json["elapsed_s"] = Math.Round(started.Elapsed.TotalSeconds);
            var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var file = Path.Combine(options.Results, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
            await File.WriteAllTextAsync(file, text);
            await File.WriteAllTextAsync(Path.Combine(options.Results, "latest.json"), text);
            Console.WriteLine();
            Console.WriteLine($"Results: {file} (also latest.json); load average before {loadBefore}, after {report.LoadAfter}; {started.Elapsed.TotalMinutes:0.0} min in all");
            return targets.All(t => t.Holds) ? 0 : 2;
        }
    }

    private static async Task<Measurement> MeasureAsync(Stack stack, string script, Target target, (Uri Url, string Authorization, ChildProcess Server) configuration, int round, int connections, int seconds)
    {
        var serverBefore = configuration.Server.CpuTime();
        var upstreamBefore = stack.UpstreamProcess.CpuTime();
        var result = await Wrk.RunAsync(script, configuration.Url, configuration.Authorization, connections, seconds, target == Target.SidecarUnified ? UnifiedModel : null);
        var server = configuration.Server.CpuTime() - serverBefore;
        var upstream = stack.UpstreamProcess.CpuTime() - upstreamBefore;
        long? events = target switch
        {
            _ when IsSidecar(target) => stack.SidecarProcess.CountAndTruncateLog(LogEventText),
            Target.Nginx => ChildProcess.CountAndTruncateLines(stack.NginxAccessLog, "POST /openai/v1/chat/completions"),
            _ => null,
        };
        return new Measurement(round, connections, target, result, server.TotalSeconds, upstream.TotalSeconds, events);
    }

    /// <summary>
    /// Tiered compilation recompiles the hot path with profile data during the first seconds under
    /// load (measured: about 15 s until the sidecar's CPU per request settles), so the sidecar is
    /// warmed longer than the others; nginx needs no warm-up.
    /// </summary>
    public static int SidecarWarmupSeconds(BenchOptions options) => Math.Max(options.WarmupSeconds, 20);

    /// <summary>Every way into the sidecar: the provider route with a token or a gateway key, and the unified /v1 endpoint.</summary>
    public static bool IsSidecar(Target target) => target is Target.Sidecar or Target.SidecarUnified or Target.SidecarGatewayKey;

    /// <summary>Allocated bytes of one cached key resolution, measured in a separate process by the micro-benchmark project.</summary>
    private static async Task<double?> ProbeAllocationsAsync(BenchOptions options)
    {
        var dll = Path.Combine(options.Repo, "tests", "Benchmarks", "bin", options.Configuration, "net10.0", "ByokGateway.Benchmarks.dll");
        if (!File.Exists(dll))
        {
            Console.WriteLine($"warning: {dll} is missing; the allocation target is not measured.");
            return null;
        }

        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("alloc-probe");
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonNode.Parse(line)?["key_resolution_bytes_per_request"]?.GetValue<double>();
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
