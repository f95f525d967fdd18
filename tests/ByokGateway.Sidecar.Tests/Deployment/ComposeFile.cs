using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ByokGateway.Tests.Deployment;

/// <summary>A bind mount of a compose service, its source resolved against the compose file's folder.</summary>
public sealed record BindMount(string Source, string Target, bool ReadOnly);

/// <summary>compose/docker-compose.yml as compose reads it (the parts the deployment tests check).</summary>
public sealed partial class ComposeFile
{
    private readonly YamlMappingNode _root;

    private ComposeFile(string path)
    {
        Path = path;
        Directory = System.IO.Path.GetDirectoryName(path)!;
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        _root = (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static ComposeFile Default { get; } = new(System.IO.Path.Combine(RepoPaths.Root, "compose", "docker-compose.yml"));

    public string Path { get; }

    public string Directory { get; }

    public IReadOnlyDictionary<string, YamlMappingNode> Services =>
        ((YamlMappingNode)_root["services"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => (YamlMappingNode)e.Value);

    public YamlMappingNode Service(string name) => Services.TryGetValue(name, out var service)
        ? service
        : throw new Xunit.Sdk.XunitException($"compose has no service '{name}'");

    /// <summary>Every scalar in the file (keys and values): what compose interpolates.</summary>
    public IEnumerable<string> Scalars() => ScalarsOf(_root);

    /// <summary>Names of the variables compose interpolates (<c>${NAME}</c>, <c>${NAME:-x}</c>, <c>$NAME</c>; <c>$$</c> is a literal dollar).</summary>
    public IReadOnlySet<string> Variables() => Scalars()
        .SelectMany(s => VariablePattern().Matches(s.Replace("$$", string.Empty, StringComparison.Ordinal)))
        .Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value)
        .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Environment(string service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Service(service).Children.TryGetValue("environment", out var node))
        {
            return result;
        }

        if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                result[((YamlScalarNode)key).Value!] = (value as YamlScalarNode)?.Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var item in ((YamlSequenceNode)node).Children.Cast<YamlScalarNode>().Select(n => n.Value!))
            {
                var parts = item.Split('=', 2);
                result[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
            }
        }

        return result;
    }

    /// <summary>Published ports as written ("host:container").</summary>
    public IReadOnlyList<string> Ports(string service) =>
        Service(service).Children.TryGetValue("ports", out var node)
            ? ((YamlSequenceNode)node).Children.Select(n => ((YamlScalarNode)n).Value!).ToList()
            : [];

    public IReadOnlyList<BindMount> BindMounts(string service)
    {
        if (!Service(service).Children.TryGetValue("volumes", out var node))
        {
            return [];
        }

        var mounts = new List<BindMount>();
        foreach (var volume in ((YamlSequenceNode)node).Children)
        {
            if (volume is YamlMappingNode longSyntax)
            {
                if (Scalar(longSyntax, "type") == "bind")
                {
                    mounts.Add(new BindMount(Resolve(Scalar(longSyntax, "source")!), Scalar(longSyntax, "target")!, Scalar(longSyntax, "read_only") == "true"));
                }
            }
            else
            {
                var parts = ((YamlScalarNode)volume).Value!.Split(':');
                if (parts.Length >= 2 && (parts[0].StartsWith('.') || parts[0].StartsWith('/')))
                {
                    mounts.Add(new BindMount(Resolve(parts[0]), parts[1], parts.Length > 2 && parts[2].Split(',').Contains("ro")));
                }
            }
        }

        return mounts;
    }

    /// <summary>The build context (resolved) and Dockerfile (resolved against the context) of a service.</summary>
    public (string Context, string Dockerfile)? Build(string service)
    {
        if (!Service(service).Children.TryGetValue("build", out var node))
        {
            return null;
        }

        if (node is YamlScalarNode shortSyntax)
        {
            var context = Resolve(shortSyntax.Value!);
            return (context, System.IO.Path.Combine(context, "Dockerfile"));
        }

        var map = (YamlMappingNode)node;
        var resolved = Resolve(Scalar(map, "context") ?? ".");
        return (resolved, System.IO.Path.GetFullPath(System.IO.Path.Combine(resolved, Scalar(map, "dockerfile") ?? "Dockerfile")));
    }

    /// <summary>The string items of a healthcheck test (e.g. <c>CMD bash -c script</c>).</summary>
    public IReadOnlyList<string> HealthcheckTest(string service) =>
        ((YamlSequenceNode)((YamlMappingNode)Service(service)["healthcheck"])["test"]).Children.Select(n => ((YamlScalarNode)n).Value!).ToList();

    public static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(key, out var node) ? (node as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string> Sequence(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(key, out var node) && node is YamlSequenceNode sequence
            ? sequence.Children.Select(n => ((YamlScalarNode)n).Value!).ToList()
            : [];

    /// <summary>A path relative to the compose file's folder, as compose resolves bind sources and build contexts.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, relative));

    private static IEnumerable<string> ScalarsOf(YamlNode node) => node switch
    {
        YamlScalarNode scalar => [scalar.Value ?? string.Empty],
        YamlSequenceNode sequence => sequence.Children.SelectMany(ScalarsOf),
        YamlMappingNode map => map.Children.SelectMany(e => ScalarsOf(e.Key).Concat(ScalarsOf(e.Value))),
        _ => [],
    };

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariablePattern();
}
