using System.ClientModel;
using System.ClientModel.Primitives;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task CompleteChat_DailyBudgetSpent_ThrowsClientResultException429WithTheGatewaysMessage()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:Tiers:free:System:TokensPerDay"] = "100",
            ["Limits:Tiers:free:System:RequestsPerMinute"] = "",
        });
        var user = await stack.Keycloak.CreateUserAsync("free", "sdk");
        var client = Client(stack, await user.TokenAsync());
        ClientResult<ChatCompletion> first = await client.CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(first.GetRawResponse().Headers.TryGetValue("x-ratelimit-remaining-tokens", out var remaining));
        Assert.Equal("100", remaining);

        Charge(stack, user, 100);
        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            client.CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(429, refused.Status);
        // The SDK's message is built from the body's error member: its code and message.
        Assert.Contains("insufficient_quota", refused.Message, StringComparison.Ordinal);
        Assert.Contains("token budget", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.True(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>The SDK's own client, without retries: it would retry a 429 after <c>Retry-After</c> (hours for a day's budget).</summary>
    private static ChatClient Client(TestGateway stack, string apiKey) =>
        new(Model, new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(stack.Sidecar.Url, "openai/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    /// <summary>What usage metering charges when a call ends, through every <see cref="IUsageSink"/>.</summary>
    private static void Charge(TestGateway stack, TestUser user, long tokens)
    {
        var record = new UsageRecord
        {
            Id = Guid.CreateVersion7(),
            Timestamp = DateTimeOffset.UtcNow,
            UserId = user.Id,
            Tier = "free",
            Provider = "openai",
            KeySource = "system",
            InputTokens = tokens,
            Status = 200,
            DurationMs = 1,
        };
        foreach (var sink in stack.Sidecar.Services.GetServices<IUsageSink>())
        {
            sink.Record(record);
        }
    }
}
