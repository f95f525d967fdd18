using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.Clients;

/// <summary>
/// What the gateway sees from Open WebUI (compose profile "openwebui"): for a connection with
/// <c>auth_type: system_oauth</c>, Open WebUI's backend calls the gateway with the signed-in user's
/// access token of client open-webui as <c>Authorization: Bearer</c> and passes the browser's
/// cookies along (<c>get_headers_and_cookies</c> in backend/open_webui/routers/openai.py):
/// <c>token</c> (Open WebUI's own session JWT), <c>oauth_session_id</c> and, by default
/// (ENABLE_OAUTH_ID_TOKEN_COOKIE), <c>oauth_id_token</c>, the user's Keycloak ID token. Open WebUI
/// cannot run on the build machines, so these tests replay that request shape.
/// </summary>
public sealed class OpenWebUiTests(SharedGateway shared)
{
    private const string UserKey = "sk-user-valid-openai-0002";
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Token_OfOpenWebUiClient_CarriesTheGatewaysAudience()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "tokens of the open-webui client come from a browser login; the emulator mints them");
        var user = await Stack.Keycloak.CreateUserAsync("starter", "owui");

        var claims = ClientTokens.Claims(await ClientTokens.MintAsync(Stack.Keycloak, user.Username, ClientTokens.OpenWebUi));

        Assert.Equal(ClientTokens.OpenWebUi, claims["azp"]!.GetValue<string>());
        Assert.Contains(KeycloakServer.SidecarClient, ClientTokens.Audiences(claims));
    }

    [Fact]
    public async Task Models_OpenWebUiTokenWithItsCookies_ListsEveryProvidersModelsAndNoCookieReachesProvider()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "tokens of the open-webui client come from a browser login; the emulator mints them");
        var (_, token, cookies) = await SignedInUserWithKeyAsync();
        var before = (await Stack.Provider.RequestsAsync()).Count;
        using var request = OpenWebUiRequest(HttpMethod.Get, "v1/models", token, cookies);

        using var response = await Stack.Sidecar.Client().SendAsync(request);

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("list", body["object"]!.GetValue<string>());
        var ids = body["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        // openai through the user's own key, anthropic through the stack's system key.
        Assert.Contains("openai/openai-model", ids);
        Assert.Contains("anthropic/anthropic-model", ids);
        var since = (await Stack.Provider.RequestsAsync()).Skip(before).Select(r => r!.AsObject()).ToList();
        // The user's own key fetched OpenAI's list (other test classes share the fake, hence Contains).
        var own = since.Where(r => r["key"]?.GetValue<string>() == UserKey && r["path"]!.GetValue<string>() == "/v1/models").ToList();
        Assert.NotEmpty(own);
        Assert.All(own, r => AssertOnlyUsersKey(r, token, cookies));
        // No list call of this user, whichever key it carried, passed a cookie or a credential on.
        Assert.All(since, r => AssertNoCallerSecrets(r, token, cookies));
    }

    [Fact]
    public async Task ChatStream_OpenWebUiTokenWithItsCookies_StreamsReplyWithUsersKeyAndNoCookieReachesProvider()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "tokens of the open-webui client come from a browser login; the emulator mints them");
        var (user, token, cookies) = await SignedInUserWithKeyAsync();
        using var request = OpenWebUiRequest(HttpMethod.Post, "v1/chat/completions", token, cookies);
        request.Content = JsonContent.Create(new JsonObject
        {
            ["model"] = "openai/gpt-5.4-mini",
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello " + user.Id }),
        });

        using var response = await Stack.Sidecar.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal("openai", response.Headers.GetValues("X-Byok-Provider").Single());
        var (text, done) = await ReadStreamAsync(response);
        Assert.Equal("fake: hello " + user.Id, text);
        Assert.True(done, "the stream did not end with data: [DONE]");
        var upstream = (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Single(r => r["body"]?.GetValue<string>() is { } b && b.Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal("/v1/chat/completions", upstream["path"]!.GetValue<string>());
        Assert.Equal("gpt-5.4-mini", JsonNode.Parse(upstream["body"]!.GetValue<string>())!["model"]!.GetValue<string>());
        Assert.True(upstream["completed"]!.GetValue<bool>());
        AssertOnlyUsersKey(upstream, token, cookies);
    }

    /// <summary>A starter user with a stored OpenAI key, signed in to Open WebUI (its connection: the gateway's /v1): its open-webui access token and browser cookies.</summary>
    private async Task<(TestUser User, string Token, OpenWebUiCookies Cookies)> SignedInUserWithKeyAsync()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "owui");
        using (var account = Stack.Sidecar.Client(await user.TokenAsync()))
        {
            await (await account.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        }

        var token = await ClientTokens.MintAsync(Stack.Keycloak, user.Username, ClientTokens.OpenWebUi);
        // The ID token Keycloak issued to Open WebUI (audience: the client itself), which Open WebUI
        // keeps in the oauth_id_token cookie; a Keycloak-signed JWT the provider must never see.
        var idToken = await ClientTokens.MintAsync(Stack.Keycloak, user.Username, ClientTokens.OpenWebUi, audience: [ClientTokens.OpenWebUi]);
        var cookies = new OpenWebUiCookies(
            Session: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6Im93dWktdXNlciJ9.owui-" + Guid.NewGuid().ToString("N"),
            OAuthSessionId: Guid.NewGuid().ToString(),
            IdToken: idToken);
        return (user, token, cookies);
    }

    private static HttpRequestMessage OpenWebUiRequest(HttpMethod method, string path, string token, OpenWebUiCookies cookies)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Cookie", $"token={cookies.Session}; oauth_session_id={cookies.OAuthSessionId}; oauth_id_token={cookies.IdToken}");
        return request;
    }

    private static void AssertOnlyUsersKey(JsonObject upstream, string token, OpenWebUiCookies cookies)
    {
        Assert.Equal(UserKey, upstream["key"]!.GetValue<string>());
        Assert.Equal("Bearer " + UserKey, ProxyTests.Header(upstream, "authorization"));
        AssertNoCallerSecrets(upstream, token, cookies);
    }

    private static void AssertNoCallerSecrets(JsonObject upstream, string token, OpenWebUiCookies cookies)
    {
        Assert.Null(ProxyTests.Header(upstream, "cookie"));
        var seen = upstream.ToJsonString();
        SecretAssert.Absent(seen, token, "the caller's Keycloak access token", "What the provider received");
        SecretAssert.Absent(seen, cookies.IdToken, "the oauth_id_token cookie (Keycloak ID token)", "What the provider received");
        SecretAssert.Absent(seen, cookies.Session, "Open WebUI's session cookie", "What the provider received");
        SecretAssert.Absent(seen, cookies.OAuthSessionId, "the oauth_session_id cookie", "What the provider received");
    }

    private static async Task<(string Text, bool Done)> ReadStreamAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var text = new System.Text.StringBuilder();
        var done = false;
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            var chunk = JsonNode.Parse(data)!;
            if (chunk["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>() is { } piece)
            {
                text.Append(piece);
            }
        }

        return (text.ToString(), done);
    }

    private sealed record OpenWebUiCookies(string Session, string OAuthSessionId, string IdToken);
}
