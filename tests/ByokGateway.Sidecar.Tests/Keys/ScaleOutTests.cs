using System.Net;
using ByokGateway.Tests.Infrastructure;
using static ByokGateway.Tests.Proxy.ProxyTests;

namespace ByokGateway.Tests.Keys;

/// <summary>Two replicas sharing Redis (L2 cache + backplane): a change through one reaches the other.</summary>
public sealed class ScaleOutTests
{
    private const string UserKey = "sk-user-valid-openai-0001";

    [Fact]
    public async Task Delete_OnOneReplica_OtherReplicaStopsUsingTheKey()
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
        var token = await user.TokenAsync();
        using var first = gateway.Sidecar.Client(token);
        using var second = replica.Client(token);

        await (await first.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        Assert.Equal("byok", await KeySourceAsync(second, user));

        await (await first.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();

        // The backplane message travels asynchronously; wait for it, but not forever.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (await KeySourceAsync(second, user) != "system")
        {
            Assert.False(patience.IsCancellationRequested, "the second replica kept using the deleted key");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task<string> KeySourceAsync(HttpClient client, TestUser user)
    {
        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Byok-Key-Source").Single();
    }
}
