using System.Text.Json.Nodes;
using ByokGateway.Tests.RealKeycloak;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// The realm export's clients for the chat UIs (DESIGN.md §13): confidential, authorization code
/// flow only, redirecting to the UI's OAuth callback, and with the audience scope that makes their
/// access tokens valid for the gateway. The callback paths are the UIs' own: Open WebUI serves
/// <c>/oauth/{provider}/callback</c> with provider <c>oidc</c> (OPENID_REDIRECT_URI's default
/// <c>&lt;backend&gt;/oauth/oidc/callback</c>), LibreChat <c>/oauth/openid/callback</c> (OPENID_CALLBACK_URL).
/// </summary>
public sealed class ChatUiRealmClientsTests
{
    private const string AudienceScope = "byok-sidecar-audience";

    public static TheoryData<string, string, string> ChatUiClients => new()
    {
        { "open-webui", "http://localhost:3000/oauth/oidc/callback", "OPEN_WEBUI_CLIENT_SECRET" },
        { "librechat", "http://localhost:3080/oauth/openid/callback", "LIBRECHAT_CLIENT_SECRET" },
    };

    [Theory]
    [MemberData(nameof(ChatUiClients))]
    public void Client_ChatUi_IsConfidentialCodeFlowClientWithItsCallback(string clientId, string callback, string secretVariable)
    {
        var client = Client(clientId);

        Assert.True(client["enabled"]!.GetValue<bool>());
        Assert.False(client["publicClient"]!.GetValue<bool>());
        Assert.False(client["bearerOnly"]!.GetValue<bool>());
        Assert.Equal("client-secret", client["clientAuthenticatorType"]!.GetValue<string>());
        Assert.True(client["standardFlowEnabled"]!.GetValue<bool>());
        // A browser login only: no password grant, no implicit flow, no service account of its own.
        Assert.False(client["directAccessGrantsEnabled"]!.GetValue<bool>());
        Assert.False(client["implicitFlowEnabled"]!.GetValue<bool>());
        Assert.False(client["serviceAccountsEnabled"]!.GetValue<bool>());
        Assert.Equal([callback], client["redirectUris"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal("S256", client["attributes"]!["pkce.code.challenge.method"]!.GetValue<string>());
        // The secret comes from Keycloak's environment at import, as byok-sidecar's does.
        Assert.StartsWith("${" + secretVariable + ":", client["secret"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ChatUiClients))]
    public void Client_ChatUi_TokensCarryTheGatewaysAudience(string clientId, string callback, string secretVariable)
    {
        _ = (callback, secretVariable);
        var client = Client(clientId);
        var scope = Realm()["clientScopes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == AudienceScope)!;
        var mapper = Assert.Single(scope["protocolMappers"]!.AsArray(), m => m!["protocolMapper"]!.GetValue<string>() == "oidc-audience-mapper")!;

        Assert.Contains(AudienceScope, client["defaultClientScopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(Infrastructure.KeycloakServer.SidecarClient, mapper["config"]!["included.client.audience"]!.GetValue<string>());
        Assert.Equal("true", mapper["config"]!["access.token.claim"]!.GetValue<string>());
        // offline_access stays requestable: LibreChat's OPENID_SCOPE asks for it to refresh reused tokens.
        Assert.Contains("offline_access", client["optionalClientScopes"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(ChatUiClients))]
    public void Client_ChatUiSecret_IsRequiredFromComposeNeverADefault(string clientId, string callback, string secretVariable)
    {
        _ = (clientId, callback);
        var example = EnvFile.Read(Path.Combine(ComposeFile.Default.Directory, ".env.example"));

        // The realm's default secret only serves the emulator: compose refuses to start Keycloak
        // without a real one, and the example ships none.
        Assert.StartsWith("${" + secretVariable + ":?", ComposeFile.Default.Environment("keycloak")[secretVariable], StringComparison.Ordinal);
        Assert.Equal(string.Empty, example[secretVariable]);
    }

    internal static JsonObject Client(string clientId) =>
        Realm()["clients"]!.AsArray().Select(c => c!.AsObject()).SingleOrDefault(c => c["clientId"]!.GetValue<string>() == clientId)
        ?? throw new Xunit.Sdk.XunitException($"byok-realm.json has no client '{clientId}'");

    internal static JsonObject Realm() => JsonNode.Parse(File.ReadAllText(KeycloakContainer.RealmFile))!.AsObject();
}
