using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Deployment;

/// <summary>One Dockerfile instruction with its arguments (continuation lines joined).</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>sidecar/Dockerfile split into build stages (one list per FROM).</summary>
public sealed class Dockerfile
{
    private Dockerfile(string path)
    {
        Path = path;
        var instructions = new List<DockerInstruction>();
        var pending = string.Empty;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            // Comment and blank lines are dropped, also inside a continued instruction (as Docker does).
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = string.Empty;
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(full.ToUpperInvariant(), string.Empty)
                : new DockerInstruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }

        Instructions = instructions;
        var stages = new List<List<DockerInstruction>>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                stages.Add([]);
            }

            Assert.True(stages.Count > 0, "A Dockerfile must start with FROM (after ARGs, which this one does not use).");
            stages[^1].Add(instruction);
        }

        Stages = stages;
    }

    public static Dockerfile Sidecar { get; } = new(System.IO.Path.Combine(RepoPaths.Root, "sidecar", "Dockerfile"));

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>Each stage's instructions, starting with its FROM.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> FinalStage => Stages[^1];

    /// <summary>The final stage's <c>ENV name=value ...</c> settings (values without spaces or quotes, as this file writes them).</summary>
    public IReadOnlyDictionary<string, string> FinalEnvironment => FinalStage
        .Where(i => i.Keyword == "ENV")
        .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);

    /// <summary>Sources of COPY/ADD instructions that read the build context (not <c>--from</c> another stage).</summary>
    public IEnumerable<string> ContextSources() => Instructions
        .Where(i => i.Keyword is "COPY" or "ADD")
        .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(words => !words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
        .SelectMany(words => words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));
}
