using System.Net;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>Two replicas sharing Redis (L2 cache + backplane): a key revoked through one stops working on the other.</summary>
public sealed class GatewayKeyScaleOutTests
{
    [Fact]
    public async Task Revoke_OnOneReplica_OtherReplicaRefusesTheKey()
    {
        Assert.SkipUnless(RedisServer.IsInstalled, "needs Debian's redis-server (.ci/run installs it)");
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Cache:Redis"] = redis.ConnectionString,
            ["Cache:Duration"] = "00:30:00", // far longer than the test: only the backplane can evict
        });
        await using var replica = gateway.StartReplica();
        var user = await gateway.Keycloak.CreateUserAsync("starter");
        using var first = gateway.Sidecar.Client(await user.TokenAsync());
        var created = await first.NewGatewayKeyAsync();
        using var second = replica.GatewayKeyClient(created.Token());
        // The second replica has the record, key included, in its memory; its last_used write
        // (one, at the first call of the day) is done before the revocation.
        await GatewayKeyFaultTests.ChatSucceedsAndLastUsedIsWrittenAsync(gateway, second, user);

        await (await first.DeleteAsync($"api/v1/byok/tokens/{created.Id()}", TestContext.Current.CancellationToken)).AssertOkJsonAsync();

        // The backplane message travels asynchronously; wait for it, but not forever.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await second.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(patience.IsCancellationRequested, "the second replica kept accepting the revoked key");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
