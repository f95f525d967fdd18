using System.Globalization;

namespace ByokGateway.Bench;

/// <summary>Command line of the runner; bench/run.sh passes the repository and results folders.</summary>
internal sealed record BenchOptions(
    string Repo,
    string Results,
    string Configuration,
    int DurationSeconds,
    int WarmupSeconds,
    int Rounds,
    int[] Connections,
    bool Cold)
{
    /// <summary>Which parts run: "calls" (small calls with wrk, cold path), "streams" (issue 14's LLM shape), or both (default).</summary>
    public string Only { get; init; } = "";

    /// <summary>Rounds of the streaming scenarios (each round: every scenario, interleaved direct, nginx, sidecar).</summary>
    public int StreamRounds { get; init; } = 2;

    /// <summary>Comma-separated scenario names to run (default all).</summary>
    public string? StreamScenarios { get; init; }

    /// <summary>Extra environment of the sidecar process (<c>--sidecar-env NAME=VALUE</c>, repeatable): for A/B runs of runtime settings.</summary>
    public IReadOnlyList<(string Name, string Value)> SidecarEnvironment { get; init; } = [];

    /// <summary>
    /// When set (<c>--sidecar-b-env NAME=VALUE</c>, repeatable), the streaming benchmark starts a second sidecar
    /// with this extra environment and measures it as "sidecar-b" beside "sidecar" in every round: an
    /// interleaved A/B of a runtime setting in one run.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> SidecarBEnvironment { get; init; } = [];

    public bool RunCalls => Only is "" or "calls";

    public bool RunStreams => Only is "" or "streams";

    public const string Usage =
        "byok-bench --repo DIR [--results DIR] [--configuration Release] [--duration 10] [--warmup 5] [--rounds 3] [--connections 8,64] [--no-cold] [--only calls|streams] [--stream-rounds 2] [--stream-scenarios s500,s2000,s5000,bodies] [--sidecar-env NAME=VALUE]... [--sidecar-b-env NAME=VALUE]...";

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sidecarEnvironment = new List<(string, string)>();
        var sidecarBEnvironment = new List<(string, string)>();
        var cold = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-cold")
            {
                cold = false;
            }
            else if (args[i] is "--sidecar-env" or "--sidecar-b-env" && i + 1 < args.Length)
            {
                var list = args[i] == "--sidecar-env" ? sidecarEnvironment : sidecarBEnvironment;
                var pair = args[++i].Split('=', 2);
                list.Add((pair[0], pair.Length > 1 ? pair[1] : ""));
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'. Usage: {Usage}");
            }
        }

        var repo = Path.GetFullPath(values.GetValueOrDefault("repo") ?? throw new ArgumentException("--repo is required. Usage: " + Usage));
        var options = new BenchOptions(
            repo,
            Path.GetFullPath(values.GetValueOrDefault("results") ?? Path.Combine(repo, "bench", "results")),
            values.GetValueOrDefault("configuration") ?? "Release",
            Int(values, "duration", 10),
            Int(values, "warmup", 5),
            Int(values, "rounds", 3),
            [.. (values.GetValueOrDefault("connections") ?? "8,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
            cold)
        {
            Only = values.GetValueOrDefault("only") ?? "",
            StreamRounds = Int(values, "stream-rounds", 2),
            StreamScenarios = values.GetValueOrDefault("stream-scenarios"),
            SidecarEnvironment = sidecarEnvironment,
            SidecarBEnvironment = sidecarBEnvironment,
        };
        if (options.Only is not ("" or "calls" or "streams"))
        {
            throw new ArgumentException("--only takes calls or streams.");
        }

        if (options.Rounds < 1 || options.DurationSeconds < 1 || options.Connections.Length == 0)
        {
            throw new ArgumentException("Rounds, duration and connections must be positive.");
        }

        return options;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
