using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.Clients;

/// <summary>
/// What the gateway sees from LibreChat with compose/librechat/librechat.yaml: its server calls
/// the custom endpoint's baseURL with <c>Authorization: Bearer {{LIBRECHAT_OPENID_ACCESS_TOKEN}}</c>,
/// the signed-in user's access token of client librechat (OPENID_REUSE_TOKENS=true), which replaces
/// the Authorization header LibreChat's OpenAI client would build from the endpoint's placeholder
/// apiKey. LibreChat cannot run on the build machines, so the test replays that request.
/// </summary>
public sealed class LibreChatTests(SharedGateway shared)
{
    private const string UserKey = "sk-user-valid-openai-0003";
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Chat_LibreChatTokenAsBearer_ServedWithUsersKey()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "tokens of the librechat client come from a browser login; the emulator mints them");
        var user = await Stack.Keycloak.CreateUserAsync("starter", "lc");
        using (var account = Stack.Sidecar.Client(await user.TokenAsync()))
        {
            await (await account.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        }

        var token = await ClientTokens.MintAsync(Stack.Keycloak, user.Username, ClientTokens.LibreChat);
        var claims = ClientTokens.Claims(token);
        Assert.Equal(ClientTokens.LibreChat, claims["azp"]!.GetValue<string>());
        Assert.Contains(KeycloakServer.SidecarClient, ClientTokens.Audiences(claims));
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/chat/completions")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = "gpt-5.4-mini",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello " + user.Id }),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await Stack.Sidecar.Client().SendAsync(request);

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("fake: hello " + user.Id, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        var upstream = (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Single(r => r["body"]?.GetValue<string>() is { } b && b.Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal(UserKey, upstream["key"]!.GetValue<string>());
        Assert.Equal("Bearer " + UserKey, ProxyTests.Header(upstream, "authorization"));
        SecretAssert.Absent(upstream.ToJsonString(), token, "the caller's Keycloak access token", "What the provider received");
    }
}
