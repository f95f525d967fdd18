using System.ClientModel;
using System.Text;
using ByokGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// The official OpenAI .NET SDK (NuGet <c>OpenAI</c>), unchanged, through the gateway: endpoint
/// <c>&lt;gateway&gt;/openai/v1</c>, the user's Keycloak token or gateway key as API key (sent as <c>Authorization: Bearer</c>).
/// </summary>
public sealed class OpenAiSdkTests(SharedGateway shared)
{
    private const string Model = "gpt-5.4-mini";
    private TestGateway Stack => shared.Stack;

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task CompleteChat_UsersCredentialAsApiKey_AnswersWithReplyServedWithUsersKey(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);

        ClientResult<ChatCompletion> result = await Client(user.ApiKey).CompleteChatAsync(
            [new UserChatMessage(user.Prompt)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(user.Reply, Assert.Single(result.Value.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.True(result.Value.Usage.InputTokenCount > 0);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Byok-Key-Source", out var source));
        Assert.Equal("byok", source);
        await user.AssertForwardedAsync(Stack, "/v1/chat/completions", SdkUser.OpenAiKey);
    }

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task CompleteChatStreaming_UsersCredentialAsApiKey_StreamsReplyServedWithUsersKey(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;

        await foreach (var update in Client(user.ApiKey).CompleteChatStreamingAsync(
            [new UserChatMessage(user.Prompt)], cancellationToken: TestContext.Current.CancellationToken))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(user.Reply, text.ToString());
        Assert.True(updates >= 3, $"expected the reply in several chunks, got {updates}");
        Assert.Equal(ChatFinishReason.Stop, finish);
        var request = await user.AssertForwardedAsync(Stack, "/v1/chat/completions", SdkUser.OpenAiKey);
        Assert.Contains("\"stream\":true", request["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private ChatClient Client(string apiKey) =>
        new(Model, new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri(Stack.Sidecar.Url, "openai/v1") });
}
