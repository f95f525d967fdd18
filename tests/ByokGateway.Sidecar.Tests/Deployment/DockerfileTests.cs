using System.Text.Json;
using System.Xml.Linq;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Deployment;

/// <summary>sidecar/Dockerfile and .dockerignore checked statically (no Docker engine on the build machines).</summary>
public sealed class DockerfileTests
{
    private static Dockerfile File => Dockerfile.Sidecar;

    [Fact]
    public void Dockerfile_Stages_BuildOnSdkAndRunOnAspnet()
    {
        Assert.Equal(2, File.Stages.Count);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", File.Stages[0][0].Arguments);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", File.FinalStage[0].Arguments);
        // The runtime stage takes only the published output, never sources.
        var copies = File.FinalStage.Where(i => i.Keyword is "COPY" or "ADD").ToList();
        Assert.All(copies, c => Assert.StartsWith("--from=build ", c.Arguments, StringComparison.Ordinal));
        Assert.Contains(File.Stages[0], i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal) && i.Arguments.Contains("-c Release", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_Restore_RunsBeforeSourcesAreCopied()
    {
        var build = File.Stages[0].ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var sources = build.FindIndex(i => i.Keyword == "COPY" && i.Arguments == "sidecar/ sidecar/");

        Assert.True(restore > 0, "the build stage restores in a RUN of its own");
        Assert.True(sources > restore, "sources are copied after the restore, so the restore layer is reused");
        var beforeRestore = build.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ').SkipLast(1)).ToList();
        Assert.Equal(
            ["global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "sidecar/ByokGateway.Sidecar.csproj"],
            beforeRestore);
        Assert.Contains("--no-restore", build.Single(i => i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_Runtime_RunsAsNonRootAppUser()
    {
        var users = File.FinalStage.Where(i => i.Keyword == "USER").ToList();

        // The .NET images' "app" user (uid APP_UID = 1654); the last USER is the one the container runs as.
        var user = Assert.Single(users).Arguments;
        Assert.Equal("$APP_UID", user);
        var stage = File.FinalStage.ToList();
        Assert.True(stage.IndexOf(users[0]) < stage.FindIndex(i => i.Keyword == "ENTRYPOINT"), "USER must come before ENTRYPOINT");
        Assert.DoesNotContain(File.FinalStage, i => i.Keyword == "RUN");
    }

    [Fact]
    public void Dockerfile_Runtime_ListensOn8080AndManagementPort9000()
    {
        var environment = File.FinalEnvironment;

        Assert.Equal("http://+:8080", environment["ASPNETCORE_URLS"]);
        // Readiness, metrics and the OpenAPI document on a port of their own, which compose does not publish.
        Assert.Equal("9000", environment["Management__Port"]);
        Assert.Equal("8080 9000", Assert.Single(File.FinalStage, i => i.Keyword == "EXPOSE").Arguments);
        Assert.Equal(["8080:8080"], ComposeFile.Default.Ports("sidecar"));
    }

    [Fact]
    public void Dockerfile_Runtime_ThreadPoolWorkersDoNotSpin()
    {
        // The same setting as the binary's runtimeconfig (bench/README.md, streams), visible and overridable with -e.
        Assert.Equal("0", File.FinalEnvironment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"]);
    }

    /// <summary>The image's management port (<c>Management__Port</c>).</summary>
    internal static string ManagementPort => Dockerfile.Sidecar.FinalEnvironment["Management__Port"];

    [Fact]
    public void Dockerfile_Healthcheck_ProbesHealthzWithoutCurlOrWget()
    {
        var healthcheck = Assert.Single(File.FinalStage, i => i.Keyword == "HEALTHCHECK").Arguments;

        var command = HealthcheckCommand(healthcheck);
        Assert.Equal(["bash", "-c"], command.Take(2));
        Assert.Contains("/dev/tcp/127.0.0.1/8080", command[2], StringComparison.Ordinal);
        Assert.Contains("GET /healthz ", command[2], StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b(curl|wget)\b", command[2]);
        Assert.Matches(@"--timeout=\d+s", healthcheck);
    }

    [Fact]
    public void Dockerfile_Entrypoint_IsTheSidecarAssembly()
    {
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "sidecar", "ByokGateway.Sidecar.csproj"));
        var assemblyName = project.Descendants("AssemblyName").Single().Value;

        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(File.FinalStage, i => i.Keyword == "ENTRYPOINT").Arguments)!;

        Assert.Equal(["dotnet", assemblyName + ".dll"], entrypoint);
    }

    [Fact]
    public void Dockerfile_ContextSources_ExistAndAreNotDockerIgnored()
    {
        var ignore = new DockerIgnore(Path.Combine(RepoPaths.Root, ".dockerignore"));
        var sources = File.ContextSources().ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            var path = Path.Combine(RepoPaths.Root, source);
            Assert.True(System.IO.File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the repository");
            Assert.False(ignore.Excludes(source), $"COPY {source}: excluded by .dockerignore");
        });
        // Everything the sidecar's sources need is in the context too.
        Assert.False(ignore.Excludes("sidecar/Program.cs"));
        Assert.False(ignore.Excludes("sidecar/appsettings.json"));
    }

    [Theory]
    [InlineData("sidecar/bin/Debug/net10.0/byok-sidecar.dll")]
    [InlineData("sidecar/obj/project.assets.json")]
    [InlineData("tests/ByokGateway.Sidecar.Tests/bin/Release/net10.0/x.dll")]
    [InlineData("keycloak-theme/node_modules/react/index.js")]
    [InlineData("keycloak-theme/dist/byok-theme.jar")]
    [InlineData("test-results/sidecar.xml")]
    [InlineData("compose/.env")]
    [InlineData(".env")]
    [InlineData(".git/HEAD")]
    public void DockerIgnore_BuildOutputsSecretsAndGit_AreExcluded(string path)
    {
        Assert.True(new DockerIgnore(Path.Combine(RepoPaths.Root, ".dockerignore")).Excludes(path), path + " would be sent to the Docker daemon");
    }

    [Fact]
    public void DockerIgnore_ExampleEnvAndSources_StayIncluded()
    {
        var ignore = new DockerIgnore(Path.Combine(RepoPaths.Root, ".dockerignore"));

        Assert.False(ignore.Excludes("compose/.env.example"));
        Assert.False(ignore.Excludes("Directory.Build.props"));
        Assert.False(ignore.Excludes("sidecar/Keys/ByokApi.cs"));
    }

    /// <summary>The exec-form command of <c>HEALTHCHECK [options] CMD ["...", ...]</c>.</summary>
    internal static string[] HealthcheckCommand(string arguments)
    {
        var cmd = arguments.IndexOf("CMD ", StringComparison.Ordinal);
        Assert.True(cmd >= 0, "HEALTHCHECK uses CMD");
        return JsonSerializer.Deserialize<string[]>(arguments[(cmd + 4)..])!;
    }
}
