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
    public const string Usage =
        "byok-bench --repo DIR [--results DIR] [--configuration Release] [--duration 10] [--warmup 5] [--rounds 3] [--connections 8,64] [--no-cold]";

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var cold = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-cold")
            {
                cold = false;
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
            cold);
        if (options.Rounds < 1 || options.DurationSeconds < 1 || options.Connections.Length == 0)
        {
            throw new ArgumentException("Rounds, duration and connections must be positive.");
        }

        return options;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
