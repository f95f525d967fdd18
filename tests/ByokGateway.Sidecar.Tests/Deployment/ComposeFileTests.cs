extern alias emulator;

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.RealKeycloak;
using emulator::KeycloakEmulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// compose/docker-compose.yml and compose/.env.example checked statically: no Docker engine runs
/// on the build machines, so these tests are what keeps the deployment files true to the code.
/// </summary>
public sealed class ComposeFileTests
{
    private const string ThemeMountSource = "keycloak-theme/dist/theme/byok";

    private static ComposeFile Compose => ComposeFile.Default;

    private static string EnvExamplePath => Path.Combine(Compose.Directory, ".env.example");

    [Fact]
    public void Compose_BindMountsAndBuildContexts_ExistInRepositoryOrAreKnownBuildOutputs()
    {
        var missing = new List<string>();
        foreach (var service in Compose.Services.Keys)
        {
            foreach (var mount in Compose.BindMounts(service))
            {
                var relative = Path.GetRelativePath(RepoPaths.Root, mount.Source).Replace('\\', '/');
                Assert.False(relative.StartsWith("..", StringComparison.Ordinal), $"{service} mounts {mount.Source}, outside the repository");
                Assert.True(mount.ReadOnly, $"{service} mounts {relative} writable; configuration mounts are read-only");
                // The theme is built, not committed: its producer is checked by the next test.
                if (relative != ThemeMountSource && !File.Exists(mount.Source) && !System.IO.Directory.Exists(mount.Source))
                {
                    missing.Add($"{service}: {relative}");
                }
            }

            if (Compose.Build(service) is var (context, dockerfile))
            {
                Assert.True(File.Exists(Path.Combine(context, "ByokGateway.slnx")), $"{service}'s build context {context} is not the repository root");
                if (!File.Exists(dockerfile))
                {
                    missing.Add($"{service}: {dockerfile}");
                }
            }
        }

        Assert.True(missing.Count == 0, "compose refers to files that do not exist: " + string.Join(", ", missing));
        Assert.Contains(Compose.BindMounts("keycloak"), m => m.Source == Path.Combine(RepoPaths.Root, ThemeMountSource));
    }

    [Fact]
    public void Compose_ThemeMount_IsTheFolderThePackageScriptBuilds()
    {
        var theme = Path.Combine(RepoPaths.Root, "keycloak-theme");
        var mount = Assert.Single(Compose.BindMounts("keycloak"), m => m.Target.StartsWith("/opt/keycloak/themes/", StringComparison.Ordinal));

        // package-theme.mjs writes dist/theme/<THEME_NAME>/<type>/ below keycloak-theme/.
        var script = File.ReadAllText(Path.Combine(theme, "scripts", "package-theme.mjs"));
        var themeName = Regex.Match(script, "const THEME_NAME = \"(?<name>[^\"]+)\"").Groups["name"].Value;
        Assert.Contains("const dist = join(root, \"dist\")", script, StringComparison.Ordinal);
        Assert.Contains("join(dist, \"theme\", THEME_NAME, THEME_TYPE)", script, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(theme, "dist", "theme", themeName), mount.Source);
        Assert.Equal("/opt/keycloak/themes/" + themeName, mount.Target);

        // ... run by `npm run package` and by the theme's `make package` (which the root `make theme` calls).
        var package = JsonNode.Parse(File.ReadAllText(Path.Combine(theme, "package.json")))!;
        Assert.Equal("node scripts/package-theme.mjs", package["scripts"]!["package"]!.GetValue<string>());
        Assert.Matches(new Regex(@"^package:.*\n\tnpm run package$", RegexOptions.Multiline), File.ReadAllText(Path.Combine(theme, "Makefile")));

        // ... and it is the theme the realm selects.
        Assert.Equal(themeName, Realm()["accountTheme"]!.GetValue<string>());
    }

    [Fact]
    public void Compose_Sidecar_KeepsTheLedgerDirectoryOfTheImageOnAVolume()
    {
        var dataDirectory = Dockerfile.Sidecar.FinalEnvironment["Ledger__DataDirectory"];
        var volumes = (YamlDotNet.RepresentationModel.YamlSequenceNode)Compose.Service("sidecar")["volumes"];

        Assert.Contains(volumes.Children, v => v.ToString() == $"ledger:{dataDirectory}");
    }

    [Fact]
    public void Compose_Variables_AreAllDefinedInEnvExample()
    {
        var defined = EnvFile.Read(EnvExamplePath).Keys.ToHashSet(StringComparer.Ordinal);

        var undefined = Compose.Variables().Where(v => !defined.Contains(v)).Order(StringComparer.Ordinal).ToList();

        Assert.True(undefined.Count == 0, "compose uses variables compose/.env.example does not list: " + string.Join(", ", undefined));
    }

    [Fact]
    public void EnvExample_Variables_AreAllUsedByCompose()
    {
        var used = Compose.Variables();
        // Compose's own settings, read by compose itself rather than interpolated.
        string[] composeSettings = ["COMPOSE_PROFILES"];

        var stale = EnvFile.Read(EnvExamplePath).Keys
            .Where(v => !used.Contains(v) && !composeSettings.Contains(v))
            .ToList();

        Assert.True(stale.Count == 0, "compose/.env.example lists variables compose does not use: " + string.Join(", ", stale));
    }

    [Fact]
    public void EnvExample_Secrets_AreEmptyPlaceholdersThatComposeRequires()
    {
        var example = EnvFile.Read(EnvExamplePath);
        var text = File.ReadAllText(Compose.Path);

        foreach (var secret in new[] { "ENCRYPTION_KEY", "BYOK_SIDECAR_SECRET" })
        {
            // Empty in the example, and `${NAME:?...}` in compose: a copied example fails with a message, never runs with a shared secret.
            Assert.Equal(string.Empty, example[secret]);
            Assert.Contains("${" + secret + ":?", text, StringComparison.Ordinal);
        }

        Assert.All(example.Where(e => e.Key.EndsWith("_API_KEY", StringComparison.Ordinal)), e => Assert.Equal(string.Empty, e.Value));
    }

    [Fact]
    public void Compose_PublishedPorts_AreTheDocumentedOnes()
    {
        Assert.Equal(["8180:8080"], Compose.Ports("keycloak"));
        Assert.Equal(["8080:8080"], Compose.Ports("sidecar"));
        Assert.Empty(Compose.Ports("redis"));
        Assert.Equal(["3000:8080"], Compose.Ports("open-webui"));
        Assert.Equal(["keycloak", "open-webui", "redis", "sidecar"], Compose.Services.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compose_KeycloakUrls_IssuerMatchesWhatSidecarValidates()
    {
        var keycloak = Compose.Environment("keycloak");
        var sidecar = Compose.Environment("sidecar");
        var frontend = new Uri(keycloak["KC_HOSTNAME"]);

        // Tokens carry iss = <KC_HOSTNAME>/realms/byok, which must be reachable on the published port ...
        Assert.Equal($"localhost:{HostPort("keycloak")}", frontend.Authority);
        Assert.Equal(new Uri(frontend, "realms/" + Realm()["realm"]!.GetValue<string>()).ToString(), sidecar["Keycloak__Issuer"]);
        // ... while the sidecar talks to Keycloak inside the network, by service name and container port.
        Assert.Equal($"http://keycloak:{ContainerPort("keycloak")}", sidecar["Keycloak__Url"]);
        Assert.Equal("true", keycloak["KC_HOSTNAME_BACKCHANNEL_DYNAMIC"]);
        // The Account Console runs on Keycloak's origin and calls the sidecar's published port.
        Assert.Equal(frontend.GetLeftPart(UriPartial.Authority), sidecar["Cors__AllowedOrigins__0"]);
        Assert.Equal("${BYOK_API_URL:-http://localhost:" + HostPort("sidecar") + "}", keycloak["BYOK_API_URL"]);
    }

    [Fact]
    public async Task Compose_RealmImport_IsTheFileTheEmulatorLoads()
    {
        var emulator = EmulatorApp.Create(["--urls", "http://127.0.0.1:0"], o => o.Variables["BYOK_SIDECAR_SECRET"] = "compose-test");
        EmulatorOptions loaded;
        await using (emulator)
        {
            loaded = emulator.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        }

        var imports = Compose.BindMounts("keycloak").Where(m => m.Target.StartsWith(KeycloakContainer.ImportDirectory, StringComparison.Ordinal)).ToList();
        var realmName = Realm()["realm"]!.GetValue<string>();

        // The dir importer reads <realm>-realm.json and <realm>-users-<n>.json directly in data/import.
        var realm = Assert.Single(imports, m => m.Target == $"{KeycloakContainer.ImportDirectory}{realmName}-realm.json");
        Assert.Equal(Path.GetFullPath(Assert.Single(loaded.RealmFiles)), realm.Source);
        Assert.Equal(Path.GetFullPath(KeycloakContainer.RealmFile), realm.Source);
        var users = Assert.Single(imports, m => Regex.IsMatch(m.Target, $"^{Regex.Escape(KeycloakContainer.ImportDirectory)}{realmName}-users-[0-9]+\\.json$"));
        Assert.Equal(Path.GetFullPath(Assert.Single(loaded.UsersFiles)), users.Source);
        Assert.Equal(2, imports.Count);
    }

    [Fact]
    public void Compose_Keycloak_DevModeImportHealthAndPinnedImage()
    {
        var keycloak = Compose.Service("keycloak");
        var environment = Compose.Environment("keycloak");

        Assert.Equal(KeycloakContainer.Image, ComposeFile.Scalar(keycloak, "image"));
        Assert.Equal(["start-dev", "--import-realm"], ComposeFile.Sequence(keycloak, "command"));
        Assert.Equal("true", environment["KC_HEALTH_ENABLED"]);
        Assert.StartsWith("${KC_BOOTSTRAP_ADMIN_USERNAME", environment["KC_BOOTSTRAP_ADMIN_USERNAME"], StringComparison.Ordinal);
        Assert.StartsWith("${KC_BOOTSTRAP_ADMIN_PASSWORD", environment["KC_BOOTSTRAP_ADMIN_PASSWORD"], StringComparison.Ordinal);

        // Readiness on the management port, with what the image has (bash), not curl or wget.
        var test = Compose.HealthcheckTest("keycloak");
        Assert.Equal(["CMD", "bash", "-c"], test.Take(3));
        Assert.Contains("/dev/tcp/127.0.0.1/9000", test[3], StringComparison.Ordinal);
        Assert.Contains("GET /health/ready ", test[3], StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b(curl|wget)\b", test[3]);
    }

    [Fact]
    public void Compose_ClientSecret_IsOneVariableForKeycloakImportAndSidecar()
    {
        var realmSecret = Realm()["clients"]!.AsArray().Single(c => c!["clientId"]!.GetValue<string>() == KeycloakServer.SidecarClient)!["secret"]!.GetValue<string>();
        Assert.Equal("${BYOK_SIDECAR_SECRET}", realmSecret);

        var forKeycloak = Compose.Environment("keycloak")["BYOK_SIDECAR_SECRET"];
        var forSidecar = Compose.Environment("sidecar")["BYOK_SIDECAR_SECRET"];

        Assert.StartsWith("${BYOK_SIDECAR_SECRET:?", forKeycloak, StringComparison.Ordinal);
        Assert.Equal(forKeycloak, forSidecar);
        Assert.DoesNotContain("Keycloak__ClientSecret", Compose.Environment("sidecar").Keys);
    }

    [Fact]
    public void Compose_Sidecar_PassesEverySystemKeyThrough()
    {
        var catalogue = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "sidecar", "appsettings.json")))!["Providers"]!.AsObject();
        var systemKeys = catalogue.Select(p => p.Value!["SystemKeyEnv"]?.GetValue<string>()).OfType<string>().ToList();
        var environment = Compose.Environment("sidecar");

        Assert.NotEmpty(systemKeys);
        Assert.All(systemKeys, name => Assert.Equal("${" + name + ":-}", environment.GetValueOrDefault(name)));
        Assert.StartsWith("${ENCRYPTION_KEY:?", environment["ENCRYPTION_KEY"], StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Sidecar_BuiltFromDockerfileAndStartedAfterHealthyKeycloak()
    {
        var sidecar = Compose.Service("sidecar");

        Assert.Equal((RepoPaths.Root, Path.Combine(RepoPaths.Root, "sidecar", "Dockerfile")), Compose.Build("sidecar"));
        var dependsOn = (YamlDotNet.RepresentationModel.YamlMappingNode)sidecar["depends_on"];
        Assert.Equal("service_healthy", ComposeFile.Scalar((YamlDotNet.RepresentationModel.YamlMappingNode)dependsOn["keycloak"], "condition"));
        // Readiness is served on the image's management port only (the main port keeps /healthz).
        var test = Compose.HealthcheckTest("sidecar");
        Assert.Contains($"/dev/tcp/127.0.0.1/{DockerfileTests.ManagementPort}", test[3], StringComparison.Ordinal);
        Assert.Contains("GET /readyz ", test[3], StringComparison.Ordinal);
        Assert.DoesNotContain("Management__Port", Compose.Environment("sidecar").Keys);
    }

    [Fact]
    public void Compose_Redis_OnlyInScaleProfileAndWiredThroughRedisUrl()
    {
        Assert.Equal(["scale"], ComposeFile.Sequence(Compose.Service("redis"), "profiles"));
        // Open WebUI has a profile of its own (OpenWebUiComposeTests); everything else always runs.
        Assert.All(Compose.Services.Where(s => s.Key is not ("redis" or "open-webui")), s => Assert.Empty(ComposeFile.Sequence(s.Value, "profiles")));

        // Empty by default: the sidecar's REDIS_URL alias ignores an empty value (in-memory cache only).
        Assert.Equal("${REDIS_URL:-}", Compose.Environment("sidecar")["REDIS_URL"]);
        var example = EnvFile.Read(EnvExamplePath);
        Assert.Equal(string.Empty, example["REDIS_URL"]);
        Assert.Equal(string.Empty, example["COMPOSE_PROFILES"]);
        Assert.Contains("REDIS_URL=redis:6379", File.ReadAllText(EnvExamplePath), StringComparison.Ordinal);
    }

    private static JsonObject Realm() =>
        JsonNode.Parse(File.ReadAllText(KeycloakContainer.RealmFile))!.AsObject();

    private static string HostPort(string service) => Assert.Single(Compose.Ports(service)).Split(':')[0];

    private static string ContainerPort(string service) => Assert.Single(Compose.Ports(service)).Split(':')[1];
}
