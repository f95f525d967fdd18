using System.Data.Common;
using ByokGateway.Ledger;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;
using static ByokGateway.Tests.Ledger.LedgerSamples;

namespace ByokGateway.Tests.Ledger;

/// <summary>
/// The write path as the gateway runs it (a real host): records are taken without waiting,
/// written in batches, flushed on a graceful stop, buffered through a store outage, and dropped
/// only when the buffer is full, counted and logged.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class LedgerWriterTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = SidecarServer.NewLedgerDirectory();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Dialects => ["sqlite", "postgresql"];

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task StopAsync_RecordsStillBuffered_WritesEveryOne(string dialect)
    {
        var settings = await SettingsAsync(dialect);
        // A batch would wait a minute to fill: only the stop writes them.
        settings["Ledger:FlushInterval"] = "00:01:00";
        settings["Ledger:BatchSize"] = "5000";
        var host = await LedgerHost.StartAsync(settings);
        var usage = Enumerable.Range(0, 1000).Select(i => Call(Day1.AddMilliseconds(i), user: "user-" + (i % 3))).ToList();
        var audit = Enumerable.Range(0, 10).Select(i => Event(Day1.AddSeconds(i))).ToList();
        usage.ForEach(host.Usage.Record);
        audit.ForEach(host.Audit.Record);

        await host.StopAsync();
        await host.DisposeAsync();

        await using var store = Reopen(dialect, settings);
        Assert.Equal(1000, (await store.TotalsAsync(null, Day1, Day1.AddDays(1), Token)).Requests);
        Assert.Equal(audit, await store.AuditAsync(null, Day1, Day1.AddDays(1), Token));
    }

    [Fact]
    public async Task Record_PostgresTableLocked_ReturnsAtOnceAndIsWrittenAfterTheLock()
    {
        var settings = await SettingsAsync("postgresql");
        settings["Ledger:FlushInterval"] = "00:00:00";
        await using var host = await LedgerHost.StartAsync(settings);
        await using var locker = new NpgsqlConnection(settings["Ledger:PostgresConnectionString"]);
        await locker.OpenAsync(Token);
        await using var transaction = await locker.BeginTransactionAsync(Token);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE usage IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(Token);
        }

        host.Usage.Record(Call(Day1));
        Assert.True(await Eventually.HoldsAsync(() => WriterWaitsOnLockAsync(settings)), "the writer never reached the locked table");

        // The writer is stuck in the store: every further call must still return.
        var completed = 0;
        var calls = Task.Run(() =>
        {
            for (var i = 1; i <= 500; i++)
            {
                host.Usage.Record(Call(Day1.AddMilliseconds(i)));
                Interlocked.Increment(ref completed);
            }
        });
        await Task.WhenAny(calls, Task.Delay(TimeSpan.FromSeconds(30), Token));
        Assert.Equal(500, Volatile.Read(ref completed));
        Assert.Equal(0, host.Metrics.Written(LedgerKinds.Usage));

        await transaction.RollbackAsync(Token);
        await using var store = Reopen("postgresql", settings);
        Assert.True(
            await Eventually.HoldsAsync(async () => (await store.TotalsAsync(null, Day1, Day1.AddDays(1), Token)).Requests == 501),
            "the buffered records were not written after the lock ended");
    }

    [Fact]
    public async Task Record_SqliteLockedByAnotherWriter_ReturnsAtOnceAndIsWrittenAfterTheLock()
    {
        var settings = await SettingsAsync("sqlite");
        settings["Ledger:FlushInterval"] = "00:00:00";
        await using var host = await LedgerHost.StartAsync(settings);
        await using var locker = new SqliteConnection($"Data Source={Path.Combine(_directory, "ledger.db")}");
        await locker.OpenAsync(Token);
        await using (var begin = new SqliteCommand("BEGIN EXCLUSIVE", locker))
        {
            await begin.ExecuteNonQueryAsync(Token);
        }

        var completed = 0;
        var calls = Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                host.Usage.Record(Call(Day1.AddMilliseconds(i)));
                Interlocked.Increment(ref completed);
            }
        });
        await Task.WhenAny(calls, Task.Delay(TimeSpan.FromSeconds(30), Token));
        Assert.Equal(500, Volatile.Read(ref completed));
        Assert.Equal(0, host.Metrics.Written(LedgerKinds.Usage));

        await using (var commit = new SqliteCommand("COMMIT", locker))
        {
            await commit.ExecuteNonQueryAsync(Token);
        }

        await using var store = Reopen("sqlite", settings);
        Assert.True(
            await Eventually.HoldsAsync(async () => (await store.TotalsAsync(null, Day1, Day1.AddDays(1), Token)).Requests == 500, TimeSpan.FromSeconds(90)),
            "the buffered records were not written after the lock ended");
    }

    [Fact]
    public async Task Record_BufferFullDuringOutage_DropsCountsLogsAndKeepsWritingLater()
    {
        var port = PostgresServer.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Ledger:PostgresConnectionString"] = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3",
            ["Ledger:BufferCapacity"] = "5",
            ["Ledger:FlushInterval"] = "00:00:00",
        };
        await using var host = await LedgerHost.StartAsync(settings);
        var first = Enumerable.Range(0, 20).Select(i => Call(Day1.AddSeconds(i))).ToList();
        first.ForEach(host.Usage.Record);

        Assert.Equal(15, host.Metrics.DroppedCount(LedgerKinds.Usage));
        var warning = Assert.Single(host.Logs.WithEventId(8001));
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, warning.Level);
        Assert.Contains("byok_ledger_dropped_total", warning.RenderMessage(), StringComparison.Ordinal);

        await using var server = await PostgresServer.StartAsync(port);
        await using var store = new PostgresLedgerStore(settings["Ledger:PostgresConnectionString"]!, BillingOutboxActivation.Off, TimeProvider.System);
        Assert.True(await Eventually.HoldsAsync(async () => await RequestsAsync(store) == 5, TimeSpan.FromSeconds(60)), "the buffered records were not written when the store came up");
        Assert.Equal(first[..5].Select(r => r.Id), await StoredIdsAsync(server));

        host.Usage.Record(Call(Day1.AddMinutes(5)));
        host.Usage.Record(Call(Day1.AddMinutes(6)));
        Assert.True(await Eventually.HoldsAsync(async () => await RequestsAsync(store) == 7), "records after the outage were not written");
        Assert.Equal(15, host.Metrics.DroppedCount(LedgerKinds.Usage));
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Record_EntryTheStoreRefuses_DroppedCountedAndTheRestWritten(string dialect)
    {
        var settings = await SettingsAsync(dialect);
        settings["Ledger:FlushInterval"] = "00:00:01";
        await using var host = await LedgerHost.StartAsync(settings);
        var good = new[] { Call(Day1), Call(Day1.AddSeconds(2)) };
        host.Usage.Record(good[0]);
        // A broken record (no user: NOT NULL) in the same batch as good ones.
        host.Usage.Record(Call(Day1.AddSeconds(1)) with { UserId = null! });
        host.Usage.Record(good[1]);

        await using var store = Reopen(dialect, settings);
        Assert.True(
            await Eventually.HoldsAsync(async () => await RequestsAsync(store) == 2),
            "the good records of a batch with a refused one were not written");
        Assert.Equal(1, host.Metrics.DroppedCount(LedgerKinds.Usage));
        Assert.Single(host.Logs.WithEventId(8007));

        host.Usage.Record(Call(Day1.AddSeconds(3)));
        Assert.True(await Eventually.HoldsAsync(async () => await RequestsAsync(store) == 3), "the writer stopped after a refused record");
    }

    public void Dispose() => SidecarServer.DeleteLedgerDirectory(_directory);

    private static async Task<long> RequestsAsync(LedgerStore store)
    {
        try
        {
            return (await store.TotalsAsync(null, Day1, Day1.AddDays(1), Token)).Requests;
        }
        catch (DbException)
        {
            return -1;
        }
    }

    private static async Task<List<Guid>> StoredIdsAsync(PostgresServer server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT id FROM usage ORDER BY occurred_at", connection);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(Token))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<bool> WriterWaitsOnLockAsync(Dictionary<string, string?> settings)
    {
        await using var connection = new NpgsqlConnection(settings["Ledger:PostgresConnectionString"]);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO usage%'", connection);
        return (long)(await command.ExecuteScalarAsync(Token))! > 0;
    }

    private async Task<Dictionary<string, string?>> SettingsAsync(string dialect) => dialect == "sqlite"
        ? new() { ["Ledger:DataDirectory"] = _directory }
        : new() { ["Ledger:PostgresConnectionString"] = await postgres.Server.CreateDatabaseAsync() };

    private static LedgerStore Reopen(string dialect, Dictionary<string, string?> settings) => dialect == "sqlite"
        ? new SqliteLedgerStore(Path.Combine(settings["Ledger:DataDirectory"]!, "ledger.db"), BillingOutboxActivation.Off, TimeProvider.System)
        : new PostgresLedgerStore(settings["Ledger:PostgresConnectionString"]!, BillingOutboxActivation.Off, TimeProvider.System);
}
