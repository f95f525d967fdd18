using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// The compose profile "openwebui" checked statically (no Docker on the build machines). The
/// variable names are Open WebUI's own (backend/open_webui/config.py and the env reference of
/// docs.openwebui.com): a misspelt one is silently ignored by Open WebUI, so the test pins them.
/// </summary>
public sealed partial class OpenWebUiComposeTests
{
    private const string Service = "open-webui";

    /// <summary>The first release that reads OPENAI_API_CONFIGS from the environment.</summary>
    private static readonly Version MinimumVersion = new(0, 10, 2);

    private static ComposeFile Compose => ComposeFile.Default;

    private static IReadOnlyDictionary<string, string> Environment => Compose.Environment(Service);

    [Fact]
    public void OpenWebUi_Image_IsAPinnedReleaseThatReadsConnectionConfigsFromTheEnvironment()
    {
        var image = ComposeFile.Scalar(Compose.Service(Service), "image")!;

        var match = ReleaseTag().Match(image);
        Assert.True(match.Success, $"{image} is not a pinned release tag of ghcr.io/open-webui/open-webui");
        Assert.True(Version.Parse(match.Groups["version"].Value) >= MinimumVersion, $"{image} is older than v{MinimumVersion}");
    }

    [Fact]
    public void OpenWebUi_OnlyInItsProfile()
    {
        Assert.Equal(["openwebui"], ComposeFile.Sequence(Compose.Service(Service), "profiles"));
        Assert.Equal(["3000:8080"], Compose.Ports(Service));
    }

    [Fact]
    public void OpenWebUi_SignsInWithTheRealmsOpenWebUiClient()
    {
        var client = ChatUiRealmClientsTests.Client(Environment["OAUTH_CLIENT_ID"]);
        var keycloak = Compose.Environment("keycloak");

        Assert.Equal("true", Environment["ENABLE_OAUTH_SIGNUP"]);
        Assert.Equal("open-webui", client["clientId"]!.GetValue<string>());
        // The callback Open WebUI announces is the one the client allows, on Open WebUI's published port.
        var redirect = new Uri(Environment["OPENID_REDIRECT_URI"]);
        Assert.Contains(redirect.ToString(), client["redirectUris"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal("/oauth/oidc/callback", redirect.AbsolutePath);
        Assert.Equal($"localhost:{HostPort(Service)}", redirect.Authority);
        Assert.Equal(redirect.GetLeftPart(UriPartial.Authority), Environment["WEBUI_URL"]);
        // Discovery inside the network; the issuer in it stays KC_HOSTNAME (what the sidecar validates).
        Assert.Equal($"http://keycloak:{ContainerPort("keycloak")}/realms/byok/.well-known/openid-configuration", Environment["OPENID_PROVIDER_URL"]);
        Assert.Equal("true", keycloak["KC_HOSTNAME_BACKCHANNEL_DYNAMIC"]);
        Assert.Contains("openid", Environment["OAUTH_SCOPES"].Split(' '));
        Assert.Equal(client["attributes"]!["pkce.code.challenge.method"]!.GetValue<string>(), Environment["OAUTH_CODE_CHALLENGE_METHOD"]);
        Assert.Equal("Keycloak", Environment["OAUTH_PROVIDER_NAME"]);
        // Environment stays authoritative over what Open WebUI persisted from an earlier start.
        Assert.Equal("false", Environment["ENABLE_PERSISTENT_CONFIG"]);
        Assert.Equal("false", Environment["ENABLE_OAUTH_PERSISTENT_CONFIG"]);
    }

    [Fact]
    public void OpenWebUi_ClientSecret_IsTheOneKeycloakImports()
    {
        var realmSecret = ChatUiRealmClientsTests.Client("open-webui")["secret"]!.GetValue<string>();
        var variable = realmSecret[2..realmSecret.IndexOf(':', StringComparison.Ordinal)];

        Assert.Equal(Compose.Environment("keycloak")[variable], Environment["OAUTH_CLIENT_SECRET"]);
    }

    [Fact]
    public void OpenWebUi_OpenAiConnection_IsTheGatewayWithTheUsersOAuthToken()
    {
        var urls = Environment["OPENAI_API_BASE_URLS"].Split(';');
        var configs = JsonNode.Parse(Environment["OPENAI_API_CONFIGS"])!.AsObject();

        // One connection: the sidecar's unified endpoint for every provider, by service name and container port.
        Assert.Equal([$"http://sidecar:{ContainerPort("sidecar")}/v1"], urls);
        Assert.Equal(["0"], configs.Select(c => c.Key));
        var connection = configs["0"]!;
        Assert.Equal("system_oauth", connection["auth_type"]!.GetValue<string>());
        Assert.True(connection["enable"]!.GetValue<bool>());
        // /v1 routes by the model's "<provider>/" prefix: each listed model names a catalogue
        // provider that has an OpenAI-compatible path, or /v1 would refuse it with a 400.
        var modelIds = connection["model_ids"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.NotEmpty(modelIds);
        var catalogue = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "sidecar", "appsettings.json")))!["Providers"]!.AsObject();
        Assert.All(modelIds, id =>
        {
            var slash = id.IndexOf('/', StringComparison.Ordinal);
            Assert.True(slash > 0 && slash < id.Length - 1, $"model id '{id}' is not <provider>/<model>");
            var provider = catalogue[id[..slash]];
            Assert.True(provider?["OpenAiPath"] is not null, $"model id '{id}' names no catalogue provider with an OpenAI-compatible path");
        });
        // No static key: the user's own Keycloak token is the only credential Open WebUI sends.
        Assert.Equal(string.Empty, Environment["OPENAI_API_KEYS"]);
        Assert.Equal("true", Environment["ENABLE_OPENAI_API"]);
    }

    [Fact]
    public void OpenWebUi_StartsAfterHealthyKeycloakAndSidecar()
    {
        var dependsOn = (YamlMappingNode)Compose.Service(Service)["depends_on"];

        foreach (var service in new[] { "keycloak", "sidecar" })
        {
            Assert.Equal("service_healthy", ComposeFile.Scalar((YamlMappingNode)dependsOn[service], "condition"));
        }
    }

    private static string HostPort(string service) => Assert.Single(Compose.Ports(service)).Split(':')[0];

    private static string ContainerPort(string service) => Assert.Single(Compose.Ports(service)).Split(':')[1];

    [GeneratedRegex(@"^ghcr\.io/open-webui/open-webui:v(?<version>\d+\.\d+\.\d+)$")]
    private static partial Regex ReleaseTag();
}
