using System.Net;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;
using static ByokGateway.Tests.Limits.LimitCalls;

namespace ByokGateway.Tests.Limits;

/// <summary>A tier an administrator changes in Keycloak brings its limits once the admin-events follower sees the change.</summary>
public sealed class LimitsTierChangeTests
{
    [Fact]
    public async Task Chat_TierRaisedMidDay_NewBudgetAppliesAfterTheAdminEvent()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["AdminEvents:PollInterval"] = "00:00:00.500",
            // Empty: unlimited, overriding the defaults' requests per minute.
            ["Limits:Tiers:free:System:RequestsPerMinute"] = "",
            ["Limits:Tiers:free:System:TokensPerDay"] = "100",
            ["Limits:Tiers:trial:System:RequestsPerMinute"] = "",
            ["Limits:Tiers:trial:System:TokensPerDay"] = "1000",
        });
        var user = await stack.Keycloak.CreateUserAsync("free");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        Charge(stack.Sidecar, user, "free", "system", 100, DateTimeOffset.UtcNow);
        using (var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Equal("insufficient_quota", problem["error"]!["code"]!.GetValue<string>());
        }

        await stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["subscription_tier"] = "trial" });

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }), "the raised tier's budget never applied");
        await CallsEndedAsync(stack, user, 1);
        using var allowed = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
        await allowed.AssertOkJsonAsync();
        // What the free tier used still counts against the trial tier's budget: 100, and 3 for
        // the first allowed "hello" (1 prompt word, 2 reply words).
        Assert.Equal("1000", allowed.Header("x-ratelimit-limit-tokens"));
        Assert.Equal("897", allowed.Header("x-ratelimit-remaining-tokens"));
        Assert.Null(allowed.Header("x-ratelimit-limit-requests"));
    }
}
