using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// compose/librechat/librechat.yaml checked statically: a custom endpoint (LibreChat's
/// <c>endpoints.custom[]</c> schema) that sends each user's Keycloak access token to the gateway,
/// and the LibreChat environment its header comment documents, matching the realm's librechat
/// client. The placeholder is LibreChat's <c>{{LIBRECHAT_OPENID_ACCESS_TOKEN}}</c>, resolved in
/// <c>headers</c> (not in <c>apiKey</c>) and only with OPENID_REUSE_TOKENS=true.
/// </summary>
public sealed partial class LibreChatConfigTests
{
    private static readonly string ConfigPath = Path.Combine(RepoPaths.Root, "compose", "librechat", "librechat.yaml");

    [Fact]
    public void CustomEndpoint_SendsTheUsersKeycloakTokenToTheGatewaysOpenAiRoute()
    {
        var endpoint = Assert.Single(CustomEndpoints());
        var headers = (YamlMappingNode)endpoint["headers"];
        var models = (YamlMappingNode)endpoint["models"];

        Assert.False(string.IsNullOrWhiteSpace(ComposeFile.Scalar(endpoint, "name")));
        Assert.Equal("Bearer {{LIBRECHAT_OPENID_ACCESS_TOKEN}}", ComposeFile.Scalar(headers, "Authorization"));
        // LibreChat requires apiKey; it must be a literal, not user_provided (which would ask every user for a key).
        var apiKey = ComposeFile.Scalar(endpoint, "apiKey");
        Assert.False(string.IsNullOrWhiteSpace(apiKey));
        Assert.NotEqual("user_provided", apiKey);
        var baseUrl = new Uri(ComposeFile.Scalar(endpoint, "baseURL")!);
        Assert.Equal("/openai/v1", baseUrl.AbsolutePath);
        Assert.Equal(Assert.Single(ComposeFile.Default.Ports("sidecar")).Split(':')[0], baseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(((YamlSequenceNode)models["default"]).Children);
        Assert.Equal("true", ComposeFile.Scalar(models, "fetch"));
    }

    [Fact]
    public void DocumentedEnvironment_MatchesTheRealmsLibreChatClient()
    {
        var env = DocumentedEnvironment();
        var client = ChatUiRealmClientsTests.Client(env["OPENID_CLIENT_ID"]);
        var redirect = new Uri(Assert.Single(client["redirectUris"]!.AsArray())!.GetValue<string>());

        Assert.Equal("librechat", env["OPENID_CLIENT_ID"]);
        Assert.Equal("true", env["OPENID_REUSE_TOKENS"]);
        Assert.Equal("true", env["OPENID_USE_PKCE"]);
        Assert.Equal(ComposeFile.Default.Environment("sidecar")["Keycloak__Issuer"], env["OPENID_ISSUER"]);
        Assert.Equal(redirect.AbsolutePath, env["OPENID_CALLBACK_URL"]);
        Assert.Equal(redirect.GetLeftPart(UriPartial.Authority), env["DOMAIN_SERVER"]);
        // offline_access: LibreChat refreshes the reused token with Keycloak's refresh token.
        Assert.Contains("offline_access", env["OPENID_SCOPE"].Trim('"').Split(' '));
        Assert.Contains("openid", env["OPENID_SCOPE"].Trim('"').Split(' '));
    }

    private static IEnumerable<YamlMappingNode> CustomEndpoints()
    {
        using var reader = new StreamReader(ConfigPath);
        var stream = new YamlStream();
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        Assert.Equal("1.3.13", ComposeFile.Scalar(root, "version"));
        return ((YamlSequenceNode)((YamlMappingNode)root["endpoints"])["custom"]).Children.Cast<YamlMappingNode>();
    }

    /// <summary>The <c>#   NAME=value</c> lines of the file's header comment: LibreChat's .env for this endpoint.</summary>
    private static Dictionary<string, string> DocumentedEnvironment() =>
        File.ReadLines(ConfigPath)
            .Select(line => EnvLine().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

    [GeneratedRegex(@"^#\s{3}(?<name>[A-Z][A-Z0-9_]+)=(?<value>.*)$")]
    private static partial Regex EnvLine();
}
