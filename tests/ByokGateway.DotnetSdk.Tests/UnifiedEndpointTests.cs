using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// ONE official OpenAI .NET SDK client with endpoint <c>&lt;gateway&gt;/v1</c> (DESIGN.md §11) and the
/// user's Keycloak token or gateway key as API key reaches openai, anthropic and groq, each chosen
/// by the model's <c>&lt;provider&gt;/</c> prefix, and lists all three providers' models.
/// </summary>
public sealed class UnifiedEndpointTests(SharedGateway shared)
{
    private const string GroqKey = "gsk_user_valid_groq_0001";

    /// <summary>Provider, the model the client names, the path the fake provider serves it on, the user's key it must receive, the fake's mount.</summary>
    private static readonly (string Provider, string Model, string Path, string Key, string Mount)[] Providers =
    [
        ("openai", "gpt-5.4-mini", "/v1/chat/completions", SdkUser.OpenAiKey, "openai"),
        ("anthropic", "claude-haiku-4-5", "/v1/chat/completions", SdkUser.AnthropicKey, "openai"),
        ("groq", "llama-3.3-70b-versatile", "/openai/v1/chat/completions", GroqKey, "groq"),
    ];

    private TestGateway Stack => shared.Stack;

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task CompleteChat_OneClientThreeProviders_EachServedByItsProviderWithUsersKey(Credential credential)
    {
        var user = await UserWithGroqAsync(credential);
        var client = Client(user.ApiKey);

        foreach (var (provider, model, path, key, mount) in Providers)
        {
            var prompt = Prompt(user, provider);
            ClientResult<ChatCompletion> result = await client.GetChatClient($"{provider}/{model}").CompleteChatAsync(
                [new UserChatMessage(prompt)], cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("fake: " + prompt, Assert.Single(result.Value.Content).Text);
            // The provider got (and echoed) its own model name; the fake's fingerprint names the path that served it.
            Assert.Equal(model, result.Value.Model);
            Assert.Equal("fake-" + mount, result.Value.SystemFingerprint);
            Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Byok-Provider", out var served));
            Assert.Equal(provider, served);
            Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Byok-Key-Source", out var source));
            Assert.Equal("byok", source);
            var request = await AssertForwardedAsync(user, prompt, path, key);
            Assert.Contains($"\"model\":\"{model}\"", request["body"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task CompleteChatStreaming_OneClientThreeProviders_EachStreamedByItsProviderWithUsersKey(Credential credential)
    {
        var user = await UserWithGroqAsync(credential);
        var client = Client(user.ApiKey);

        foreach (var (provider, model, path, key, _) in Providers)
        {
            var prompt = Prompt(user, provider);
            var text = new StringBuilder();
            var updates = 0;
            ChatFinishReason? finish = null;
            string? echoed = null;

            await foreach (var update in client.GetChatClient($"{provider}/{model}").CompleteChatStreamingAsync(
                [new UserChatMessage(prompt)], cancellationToken: TestContext.Current.CancellationToken))
            {
                updates++;
                echoed ??= update.Model;
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }

                finish ??= update.FinishReason;
            }

            Assert.Equal("fake: " + prompt, text.ToString());
            Assert.True(updates >= 3, $"expected {provider}'s reply in several chunks, got {updates}");
            Assert.Equal(ChatFinishReason.Stop, finish);
            Assert.Equal(model, echoed);
            var request = await AssertForwardedAsync(user, prompt, path, key);
            Assert.Contains("\"stream\":true", request["body"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task GetModels_OneClient_ListsEveryProvidersModelsWithTheirPrefix(Credential credential)
    {
        var user = await UserWithGroqAsync(credential);
        var models = Client(user.ApiKey).GetOpenAIModelClient();

        var list = await models.GetModelsAsync(TestContext.Current.CancellationToken);
        var ids = list.Value.Select(m => m.Id).ToList();

        // The fake lists each path's own model first: each provider's list came from its own API.
        Assert.Contains("openai/openai-model", ids);
        Assert.Contains("anthropic/anthropic-model", ids);
        Assert.Contains("groq/groq-model", ids);
        Assert.Equal(["anthropic", "groq", "openai"], ids.Select(id => id.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));

        var groq = await models.GetModelAsync("groq/groq-model", TestContext.Current.CancellationToken);
        Assert.Equal("groq/groq-model", groq.Value.Id);
    }

    private OpenAIClient Client(string apiKey) =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri(Stack.Sidecar.Url, "v1") });

    // Names the user and the provider, so each call finds its own request in the shared fake's log.
    private static string Prompt(SdkUser user, string provider) => $"Say hello for {user.User.Id} through {provider}";

    /// <summary>An SDK user (own openai and anthropic keys) who also stored an own groq key.</summary>
    private async Task<SdkUser> UserWithGroqAsync(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);
        using var client = Stack.Sidecar.Client(user.KeycloakToken);
        await (await client.AddKeyAsync("groq", GroqKey)).AssertOkJsonAsync();
        return user;
    }

    private async Task<JsonObject> AssertForwardedAsync(SdkUser user, string prompt, string path, string key)
    {
        var request = Assert.Single(
            (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject()),
            r => r["body"]?.GetValue<string>() is { } body && body.Contains(prompt, StringComparison.Ordinal));
        Assert.Equal(path, request["path"]!.GetValue<string>());
        Assert.True(key == request["key"]?.GetValue<string>(), $"{path} did not receive the user's own key of that provider");
        Assert.Equal(200, request["status"]!.GetValue<int>());
        Assert.False(request["headers"]!.AsObject().ContainsKey("cookie"));
        SecretAssert.Absent(request.ToJsonString(), user.ApiKey, "the SDK's API key", "What the provider received");
        SecretAssert.Absent(request.ToJsonString(), user.KeycloakToken, "the user's Keycloak token", "What the provider received");
        return request;
    }
}
