using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Billing;

/// <summary>The Lago export with the ledger on a real PostgreSQL server shared by two replicas.</summary>
[Collection(SharedPostgres.Name)]
public sealed class LagoExporterPostgresTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecordingLagoServer? _lago;

    private RecordingLagoServer Lago => _lago!;

    public async ValueTask InitializeAsync() => _lago = await RecordingLagoServer.StartAsync();

    public async ValueTask DisposeAsync() => await Lago.DisposeAsync();

    [Fact]
    public async Task Export_TwoReplicasLagoDownThenBack_EveryEventArrivesOnceFromOneReplica()
    {
        Lago.FailWith(503);
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:PostgresConnectionString"] = await postgres.Server.CreateDatabaseAsync(),
            ["Billing:Lago:Url"] = Lago.Url.ToString(),
            ["Billing:Lago:ApiKey"] = RecordingLagoServer.ApiKey,
            ["Billing:Lago:PollInterval"] = "00:00:00.100",
            ["Billing:Lago:MinRetryDelay"] = "00:00:00.100",
            ["Billing:Lago:MaxRetryDelay"] = "00:00:00.500",
            ["Billing:Lago:RequestTimeout"] = "00:00:02",
            ["Billing:Lago:BatchSize"] = "10",
        });
        await using var replica = gateway.StartReplica();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "pgbill");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 60).Select(_ => BillingRecords.Make(user.Id)))
            .Concat(BillingRecords.Record(replica, Enumerable.Range(0, 60).Select(_ => BillingRecords.Make(user.Id))))
            .ToList();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Requests >= 4)), "the replicas did not retry");
        Assert.Empty(Lago.Stored);

        Lago.Recover();

        var ids = records.Select(r => r.Id.ToString()).ToHashSet();
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(ids.All(Lago.Stored.ContainsKey)), TimeSpan.FromSeconds(90)),
            $"Lago has {ids.Count(Lago.Stored.ContainsKey)} of {ids.Count} events");
        Assert.All(ids, id => Assert.Equal(1, Lago.StoredCount[id]));
        Assert.Empty(Lago.Duplicates);
        Assert.Empty(Lago.Violations);
        Assert.InRange(Lago.LargestBatch, 1, 10);
    }
}
