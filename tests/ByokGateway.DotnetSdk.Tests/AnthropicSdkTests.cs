using System.Text;
using Anthropic;
using Anthropic.Models.Messages;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// The official Anthropic .NET SDK (NuGet <c>Anthropic</c>), unchanged, through the gateway:
/// base URL <c>&lt;gateway&gt;/anthropic</c>, the user's Keycloak token or gateway key as API key (sent as <c>x-api-key</c>).
/// </summary>
public sealed class AnthropicSdkTests(SharedGateway shared)
{
    private const string Model = "claude-haiku-4-5";
    private TestGateway Stack => shared.Stack;

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task MessagesCreate_UsersCredentialAsApiKey_AnswersWithReplyServedWithUsersKey(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);
        using var client = Client(user.ApiKey);

        var message = await client.Messages.Create(Request(user), TestContext.Current.CancellationToken);

        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal(user.Reply, text.Text);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.True(message.Usage.InputTokens > 0);
        var request = await user.AssertForwardedAsync(Stack, "/v1/messages", SdkUser.AnthropicKey);
        Assert.Equal("x-api-key", request["keyHeader"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Credential.KeycloakToken)]
    [InlineData(Credential.GatewayKey)]
    public async Task MessagesCreateStreaming_UsersCredentialAsApiKey_StreamsReplyServedWithUsersKey(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);
        using var client = Client(user.ApiKey);
        var text = new StringBuilder();
        var deltas = 0;
        var stopped = false;

        await foreach (var streamEvent in client.Messages.CreateStreaming(Request(user), TestContext.Current.CancellationToken))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
            {
                deltas++;
                text.Append(piece.Text);
            }

            stopped |= streamEvent.TryPickStop(out _);
        }

        Assert.Equal(user.Reply, text.ToString());
        Assert.True(deltas >= 3, $"expected the reply in several deltas, got {deltas}");
        Assert.True(stopped, "the stream ended without message_stop");
        var request = await user.AssertForwardedAsync(Stack, "/v1/messages", SdkUser.AnthropicKey);
        Assert.Contains("\"stream\":true", request["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private AnthropicClient Client(string apiKey) => new()
    {
        ApiKey = apiKey,
        BaseUrl = new Uri(Stack.Sidecar.Url, "anthropic").ToString(),
    };

    private static MessageCreateParams Request(SdkUser user) => new()
    {
        Model = Model,
        MaxTokens = 256,
        Messages = [new UserMessageParam(user.Prompt)],
    };
}
