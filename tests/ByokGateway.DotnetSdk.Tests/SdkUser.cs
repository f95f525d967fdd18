using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// A starter user who stored their own provider keys, with the credential an SDK gets as its API
/// key. Every prompt names the user's id, so a test finds its own provider request in the shared
/// fake provider's log (test classes run in parallel against one stack).
/// </summary>
internal sealed record SdkUser(TestUser User, string KeycloakToken, string ApiKey)
{
    public const string OpenAiKey = "sk-user-valid-openai-0001";
    public const string AnthropicKey = "sk-ant-user-valid-0001";

    /// <summary>The prompt this user sends, and what the fake provider answers to it.</summary>
    public string Prompt => "Say hello for " + User.Id;

    public string Reply => "fake: " + Prompt;

    /// <summary>
    /// A new starter user with both keys stored through the management API, as the Account Console
    /// stores them; its API key is its Keycloak access token or a gateway key created with it.
    /// </summary>
    public static async Task<SdkUser> CreateAsync(TestGateway stack, Credential credential = Credential.KeycloakToken)
    {
        var user = await stack.Keycloak.CreateUserAsync("starter", "sdk");
        var token = await user.TokenAsync();
        using var client = stack.Sidecar.Client(token);
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await client.AddKeyAsync("anthropic", AnthropicKey)).AssertOkJsonAsync();
        return new SdkUser(user, token, credential == Credential.GatewayKey ? await CreateGatewayKeyAsync(client) : token);
    }

    /// <summary>POST /api/v1/byok/tokens with the Keycloak token: the only answer that shows the key.</summary>
    private static async Task<string> CreateGatewayKeyAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("api/v1/byok/tokens", new JsonObject { ["name"] = ".NET SDK test", ["expires_in_days"] = 1 });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating a gateway key answered {(int)response.StatusCode}");
        var key = body!["token"]!.GetValue<string>();
        Assert.StartsWith("bgk_", key, StringComparison.Ordinal);
        return key;
    }

    /// <summary>
    /// The one request the fake provider received for this user's prompt: sent to <paramref name="path"/>
    /// with the user's own <paramref name="providerKey"/>, carrying neither the SDK's credential nor a cookie.
    /// </summary>
    public async Task<JsonObject> AssertForwardedAsync(TestGateway stack, string path, string providerKey)
    {
        var request = Assert.Single(
            (await stack.Provider.RequestsAsync()).Select(r => r!.AsObject()),
            r => r["body"]?.GetValue<string>() is { } body && body.Contains(User.Id, StringComparison.Ordinal));
        Assert.Equal(path, request["path"]!.GetValue<string>());
        Assert.True(providerKey == request["key"]?.GetValue<string>(), "the provider did not receive the user's own key");
        Assert.True(request["completed"]!.GetValue<bool>());
        Assert.Equal(200, request["status"]!.GetValue<int>());
        Assert.False(request["headers"]!.AsObject().ContainsKey("cookie"));
        SecretAssert.Absent(request.ToJsonString(), ApiKey, "the SDK's API key", "What the provider received");
        SecretAssert.Absent(request.ToJsonString(), KeycloakToken, "the user's Keycloak token", "What the provider received");
        return request;
    }
}
