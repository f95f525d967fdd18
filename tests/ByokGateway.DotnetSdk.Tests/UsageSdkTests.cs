using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// Usage metering under the official OpenAI .NET SDK, which always asks a stream for its usage
/// (<c>stream_options.include_usage</c>): on the system key the gateway must not add the option a
/// second time, and the SDK must get the usage update it asked for.
/// </summary>
public sealed class UsageSdkTests(SharedGateway shared)
{
    private const string Model = "gpt-5.4-mini";
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task CompleteChatStreaming_SystemKey_SdkGetsItsUsageAndProviderOneStreamOptions()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "sdk");
        var prompt = "Say hello for " + user.Id;
        var client = new ChatClient(Model, new ApiKeyCredential(await user.TokenAsync()), new OpenAIClientOptions { Endpoint = new Uri(Stack.Sidecar.Url, "openai/v1") });
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(prompt)], cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("fake: " + prompt, text.ToString());
        Assert.NotNull(usage);
        Assert.Equal((4, 5), (usage.InputTokenCount, usage.OutputTokenCount));
        var upstream = (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal(TestGateway.SystemOpenAiKey, upstream["key"]!.GetValue<string>());
        var sent = upstream["body"]!.GetValue<string>();
        Assert.Equal(1, CountOf(sent, "\"stream_options\""));
        Assert.True(JsonNode.Parse(sent)!["stream_options"]!["include_usage"]!.GetValue<bool>());

        var metrics = await Stack.Sidecar.Client().GetStringAsync("metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"byok_usage_input_tokens_total{{provider=\"openai\",model=\"{Model}\",key_source=\"system\",tier=\"starter\"}}", metrics, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;
}
