using System.Net;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static ByokGateway.Tests.Limits.LimitCalls;

namespace ByokGateway.Tests.Limits;

/// <summary>Two gateway replicas on one real redis-server share the limit counters; without Redis the gateway fails open.</summary>
public sealed class RedisLimitCountersTests
{
    private const int RequestsPerMinute = 4;

    private readonly FakeTimeProvider _time = new(LimitsFixture.StartOfMinute(DateTimeOffset.UtcNow).AddSeconds(1));

    [Fact]
    public async Task Chat_TwoReplicas_LimitHoldsAcrossThem()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, "needs Debian's redis-server (.ci/run installs it)");
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis.ConnectionString);
        await using var replica = SidecarServer.Start(new Dictionary<string, string?>(gateway.Settings), UseClock);
        var user = await gateway.Keycloak.CreateUserAsync("free");
        var token = await user.TokenAsync();
        using var first = gateway.Sidecar.Client(token);
        using var second = replica.Client(token);

        var remaining = new List<string?>();
        foreach (var client in new[] { first, second, first, second })
        {
            using var allowed = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            await allowed.AssertOkJsonAsync();
            remaining.Add(allowed.Header("x-ratelimit-remaining-requests"));
        }

        Assert.Equal(["3", "2", "1", "0"], remaining);
        foreach (var client in new[] { first, second })
        {
            using var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Equal("rate_limit_exceeded", problem["error"]!["code"]!.GetValue<string>());
        }

        // Tokens charged on one replica spend the budget on the other.
        _time.Advance(TimeSpan.FromMinutes(1));
        Charge(gateway.Sidecar, user, "free", "system", 100, _time.GetUtcNow());
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var response = await second.SendAsync(Chat(), TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.TooManyRequests;
        }), "the tokens charged on the first replica never reached the second");
    }

    [Fact]
    public async Task Chat_RedisGone_CallsGoThroughUnlimitedWithAWarning()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, "needs Debian's redis-server (.ci/run installs it)");
        var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis.ConnectionString);
        var user = await gateway.Keycloak.CreateUserAsync("free");
        using var client = gateway.Sidecar.Client(await user.TokenAsync());
        using (var counted = await client.SendAsync(Chat(), TestContext.Current.CancellationToken))
        {
            await counted.AssertOkJsonAsync();
            Assert.Equal("3", counted.Header("x-ratelimit-remaining-requests"));
        }

        await redis.DisposeAsync();

        for (var i = 0; i < RequestsPerMinute + 2; i++)
        {
            using var response = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            await response.AssertOkJsonAsync();
            // No counter, no limit of the gateway's to report: the provider's own headers pass.
            Assert.Equal("10000", response.Header("x-ratelimit-limit-requests"));
        }

        Assert.True(await MetricAsync(gateway.Sidecar, "byok_limit_counter_failures_total") >= RequestsPerMinute + 2);
        Assert.Single(gateway.Sidecar.Logs.WithEventId(4601));
    }

    private void UseClock(IServiceCollection services) => services.AddSingleton<TimeProvider>(_time);

    private Task<TestGateway> StartAsync(string redis) => TestGateway.StartAsync(
        new Dictionary<string, string?>
        {
            ["Cache:Redis"] = redis,
            ["Limits:Tiers:free:System:RequestsPerMinute"] = RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Limits:Tiers:free:System:TokensPerDay"] = "100",
            ["AdminEvents:Enabled"] = "false",
        },
        UseClock);
}
