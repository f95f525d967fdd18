using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// README.md "Use it from your tools": every recipe is either run by a test as written (the
/// <c>&lt;!-- example: path --&gt;</c> blocks must be that file's code, which tests/sdk and
/// tests/ByokGateway.DotnetSdk.Tests run) or checked here against the gateway's routes and the
/// compose file (the <c>&lt;!-- tools: name --&gt;</c> blocks, for tools that cannot run here).
/// </summary>
public sealed partial class ToolsReadmeTests
{
    private const string SectionTitle = "## Use it from your tools";

    private static readonly string Section = ReadSection();

    /// <summary>The gateway as compose publishes it (and `make dev` serves it).</summary>
    private static string GatewayUrl => "http://localhost:" + Assert.Single(ComposeFile.Default.Ports("sidecar")).Split(':')[0];

    [Fact]
    public void ExampleBlocks_AreTheCodeOfTheFilesTheTestsRun()
    {
        var examples = ExampleMarker().Matches(Section).ToList();

        Assert.Equal(
            [
                "tests/sdk/examples/gateway-key.sh", "tests/sdk/examples/gateway-keys-manage.sh", "tests/sdk/examples/env-clients.mjs",
                "tests/ByokGateway.DotnetSdk.Tests/ReadmeExamples.cs", "compose/librechat/librechat.yaml",
            ],
            examples.Select(m => m.Groups["path"].Value));
        foreach (var example in examples)
        {
            var path = example.Groups["path"].Value;
            var file = File.ReadAllText(Path.Combine(RepoPaths.Root, path));
            var (usings, code) = SplitUsings(example.Groups["code"].Value);

            // Line for line, up to indentation (the .NET recipe sits in a method there).
            Assert.True(Normalize(file).Contains(Normalize(code), StringComparison.Ordinal), $"README's block differs from {path}");
            Assert.All(usings, u => Assert.Contains(u, file.Split('\n').Select(l => l.Trim())));
        }
    }

    [Fact]
    public void Environment_BaseUrlsAreTheUnifiedEndpointAndAnthropicsRoute()
    {
        var env = Exports(Block("environment"));
        var providers = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "sidecar", "appsettings.json")))!["Providers"]!;

        Assert.Equal(["OPENAI_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"], env.Keys);
        // The OpenAI SDKs go to /v1 (every provider, DESIGN.md section 11), the Anthropic SDKs to their provider route.
        Assert.Equal(GatewayUrl + "/v1", env["OPENAI_BASE_URL"]);
        Assert.Equal(GatewayUrl + "/anthropic", env["ANTHROPIC_BASE_URL"]);
        Assert.All(new[] { env["OPENAI_API_KEY"], env["ANTHROPIC_API_KEY"] }, key => Assert.StartsWith("bgk_", key, StringComparison.Ordinal));
        // /anthropic/{path} goes to the provider's BaseUrl + path: the SDK's own default
        // (https://api.anthropic.com) behind the gateway's prefix.
        Assert.Equal("https://api.anthropic.com", providers["anthropic"]!["BaseUrl"]!.GetValue<string>());
        // On /v1 the model names its provider, one the gateway reaches through an OpenAI-compatible path.
        var model = OpenAiModel().Match(Block("python")).Groups["model"].Value;
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        Assert.True(slash > 0, $"the Python recipe's OpenAI model '{model}' is not <provider>/<model>");
        Assert.NotNull(providers[model[..slash]]?["OpenAiPath"]);
    }

    [Fact]
    public async Task Python_IsValidAndUsesTheEnvironmentsBaseUrlsAndKeys()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/python3"), "needs /usr/bin/python3 to parse the recipe");
        var env = Exports(Block("environment"));

        // Python's own parser reads the recipe; the Python SDKs cannot be installed here to run it.
        var calls = await PythonCallsAsync(Block("python"));

        Assert.Equal(env["OPENAI_BASE_URL"], calls["OpenAI"]["base_url"]);
        Assert.Equal("os.environ['OPENAI_API_KEY']", calls["OpenAI"]["api_key"]);
        Assert.Equal(env["ANTHROPIC_BASE_URL"], calls["Anthropic"]["base_url"]);
        Assert.Equal("os.environ['ANTHROPIC_API_KEY']", calls["Anthropic"]["api_key"]);
    }

    [Fact]
    public void IdeAssistants_UseTheGatewaysOpenAiRouteAndAGatewayKey()
    {
        // IDE tools add their own prefixes to model names, so they keep OpenAI's provider route.
        var openAiBase = GatewayUrl + "/openai/v1";

        var stream = new YamlStream();
        stream.Load(new StringReader(Block("continue")));
        var model = (YamlMappingNode)((YamlSequenceNode)stream.Documents.Single().RootNode).Children.Single();
        Assert.Equal("openai", ComposeFile.Scalar(model, "provider"));
        Assert.Equal(openAiBase, ComposeFile.Scalar(model, "apiBase"));
        Assert.StartsWith("bgk_", ComposeFile.Scalar(model, "apiKey"), StringComparison.Ordinal);

        var aider = Block("aider");
        Assert.Equal(openAiBase, Exports(aider)["OPENAI_API_BASE"]);
        Assert.Matches(@"(?m)^aider --model openai/\S+$", aider);

        var cline = Assert.Single(Section.Split('\n'), l => l.Contains("**Cline**", StringComparison.Ordinal));
        Assert.Contains("\"OpenAI Compatible\"", cline, StringComparison.Ordinal);
        Assert.Contains($"*Base URL* `{openAiBase}`", Section, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenWebUi_RecipeEnablesTheComposeProfileAndNamesItsUrl()
    {
        var service = ComposeFile.Default.Service("open-webui");
        var profile = Exports(Block("openwebui"))["COMPOSE_PROFILES"];

        Assert.Equal(ComposeFile.Sequence(service, "profiles"), [profile]);
        Assert.Contains($"http://localhost:{Assert.Single(ComposeFile.Default.Ports("open-webui")).Split(':')[0]}", Section, StringComparison.Ordinal);
        Assert.Contains("(compose/README.md#open-webui-profile-openwebui)", Section, StringComparison.Ordinal);
        Assert.Contains("## Open WebUI (profile `openwebui`)", File.ReadAllText(Path.Combine(RepoPaths.Root, "compose", "README.md")), StringComparison.Ordinal);
    }

    private static string ReadSection()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(SectionTitle + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{SectionTitle}'");
        var end = readme.IndexOf("\n## ", start + SectionTitle.Length, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    /// <summary>The code of the fenced block after <c>&lt;!-- tools: name --&gt;</c>, unindented.</summary>
    private static string Block(string name)
    {
        var match = ToolsMarker().Matches(Section).SingleOrDefault(m => m.Groups["name"].Value == name);
        Assert.True(match is not null, $"README's tools section has no block '{name}'");
        var indent = match.Groups["indent"].Value.Length;
        return string.Join('\n', match.Groups["code"].Value.Split('\n').Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary><c>export NAME=value</c> or <c>NAME=value</c> lines, comments after the value dropped.</summary>
    private static Dictionary<string, string> Exports(string shell) =>
        shell.Split('\n')
            .Select(l => ExportLine().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);

    /// <summary>Keyword arguments of the calls in a Python script as Python's ast sees them (strings as values, the rest as source).</summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> PythonCallsAsync(string script)
    {
        const string Reader = """
            import ast, json, sys
            tree = ast.parse(sys.stdin.read())
            calls = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    calls[node.func.id] = {k.arg: (k.value.value if isinstance(k.value, ast.Constant) else ast.unparse(k.value)) for k in node.keywords}
            print(json.dumps(calls))
            """;
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Reader], standardInput: script, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, "Python cannot parse README's recipe: " + result.StandardError);
        return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(result.StandardOutput)!;
    }

    private static (IReadOnlyList<string> Usings, string Code) SplitUsings(string code)
    {
        var lines = code.Split('\n');
        var usings = lines.TakeWhile(l => UsingLine().IsMatch(l) || l.Length == 0).Where(l => l.Length > 0).ToList();
        return (usings, string.Join('\n', lines.Skip(usings.Count == 0 ? 0 : Array.FindIndex(lines, l => l.Length > 0 && !UsingLine().IsMatch(l)))));
    }

    private static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"<!-- example: (?<path>\S+) -->\n```\w+\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleMarker();

    [GeneratedRegex(@"<!-- tools: (?<name>[\w-]+) -->\n(?<indent> *)```\w+\n(?<code>.*?)\n *```", RegexOptions.Singleline)]
    private static partial Regex ToolsMarker();

    [GeneratedRegex(@"^(?:export )?(?<name>[A-Z][A-Z0-9_]*)=(?<value>\S*)")]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"openai\.chat\.completions\.create\(model=""(?<model>[^""]+)""")]
    private static partial Regex OpenAiModel();

    [GeneratedRegex(@"^using [A-Za-z.]+;$")]
    private static partial Regex UsingLine();
}
