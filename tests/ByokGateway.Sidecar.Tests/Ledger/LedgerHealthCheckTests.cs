using System.Net;
using ByokGateway.Ledger;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection;
using static ByokGateway.Tests.Ledger.LedgerSamples;

namespace ByokGateway.Tests.Ledger;

/// <summary>The gateway with its PostgreSQL ledger down at start-up: it proxies, says Degraded, and writes once the store is up.</summary>
public sealed class LedgerHealthCheckTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_PostgresDownAtStartThenUp_DegradedWhileDownAndEverythingWrittenAfter()
    {
        var port = PostgresServer.FreePort();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3";
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Ledger:PostgresConnectionString"] = connectionString });
        var user = await gateway.Keycloak.CreateUserAsync("starter");
        using var client = gateway.Sidecar.Client(await user.TokenAsync());

        // The gateway serves: a proxied call and a key change (an audit event) while the store is down.
        using (var call = await client.SendAsync(ProxyCall(user), Token))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        await (await client.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();
        gateway.Sidecar.Services.GetRequiredService<IUsageSink>().Record(Call(DateTimeOffset.UtcNow, user: user.Id));

        var degraded = await ReadinessAsync(gateway);
        Assert.Equal("Degraded", degraded["status"]!.GetValue<string>());
        Assert.Equal("Degraded", degraded["checks"]!["ledger"]!["status"]!.GetValue<string>());
        Assert.Contains("cannot be written", degraded["checks"]!["ledger"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", degraded["checks"]!["ledger"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        await using var postgres = await PostgresServer.StartAsync(port);

        Assert.True(
            await Eventually.HoldsAsync(async () => (await ReadinessAsync(gateway))["checks"]!["ledger"]!["status"]!.GetValue<string>() == "Healthy", TimeSpan.FromSeconds(60)),
            "readyz did not become healthy once PostgreSQL was up");
        var queries = gateway.Sidecar.Services.GetRequiredService<ILedgerQueries>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(
            await Eventually.HoldsAsync(async () => (await queries.AuditAsync(user.Id, now.AddHours(-1), now.AddHours(1), Token)).Count == 1),
            "the key change made during the outage never reached the store");
        var keyAdded = Assert.Single(await queries.AuditAsync(user.Id, now.AddHours(-1), now.AddHours(1), Token));
        Assert.Equal(("key_added", "openai"), (keyAdded.Action, keyAdded.Provider));
        Assert.True(
            await Eventually.HoldsAsync(async () => (await queries.TotalsAsync(user.Id, now.AddHours(-1), now.AddHours(1), Token)).Requests >= 1),
            "the usage recorded during the outage never reached the store");
    }

    private static HttpRequestMessage ProxyCall(TestUser user) => Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);

    private static async Task<System.Text.Json.Nodes.JsonNode> ReadinessAsync(TestGateway gateway)
    {
        using var response = await gateway.Sidecar.Client().GetAsync("readyz", Token);
        return await response.AssertOkJsonAsync();
    }
}
