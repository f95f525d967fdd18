using System.ClientModel;
using System.ClientModel.Primitives;
using ByokGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// A free-tier user on the system key, through the official OpenAI .NET SDK: once the tier's daily
/// token budget is spent, the gateway's 429 reaches the application as the SDK's own error for it.
/// </summary>
public sealed class LimitsSdkTests
{
    private const string Model = "gpt-5.4-mini";

    [Fact]
    public async Task CompleteChat_FreeUserChatsUntilTheDailyBudget_ThrowsClientResultException429()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:Tiers:free:System:TokensPerDay"] = "100",
            ["Limits:Tiers:free:System:RequestsPerMinute"] = "",
        });
        var user = await stack.Keycloak.CreateUserAsync("free", "sdk");
        var client = Client(stack, await user.TokenAsync());
        // The fake provider counts words: 20 prompt and 21 reply tokens a chat, so the third
        // chat (82 used before it) crosses 100 and the fourth is refused.
        var prompt = string.Join(' ', Enumerable.Repeat("word", 20));
        var answered = 0;
        ClientResultException? refused = null;
        while (refused is null && answered < 10)
        {
            try
            {
                ClientResult<ChatCompletion> result = await client.CompleteChatAsync([new UserChatMessage(prompt)], cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal("system", result.GetRawResponse().Headers.TryGetValue("X-Byok-Key-Source", out var source) ? source : null);
                answered++;
                await CallsEndedAsync(stack, user, answered);
            }
            catch (ClientResultException e)
            {
                refused = e;
            }
        }

        Assert.Equal(3, answered);
        Assert.NotNull(refused);
        Assert.Equal(429, refused.Status);
        // The SDK's message is built from the body's error member: its code and message.
        Assert.Contains("insufficient_quota", refused.Message, StringComparison.Ordinal);
        Assert.Contains("token budget", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.True(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>The gateway's per-call log line comes after metering charged the call's tokens.</summary>
    private static async Task CallsEndedAsync(TestGateway stack, TestUser user, int calls)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (stack.Sidecar.Logs.WithEventId(3001).Count(e => e.RenderMessage().Contains(user.Id, StringComparison.Ordinal)
            && e.RenderMessage().Contains(" key: 200 in ", StringComparison.Ordinal)) < calls)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the gateway did not finish {calls} calls");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The SDK's own client, without retries: it would retry a 429 after <c>Retry-After</c> (hours for a day's budget).</summary>
    private static ChatClient Client(TestGateway stack, string apiKey) =>
        new(Model, new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(stack.Sidecar.Url, "openai/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
}
