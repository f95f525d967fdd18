using System.Data.Common;
using ByokGateway.Ledger;
using ByokGateway.Usage;
using Microsoft.Extensions.Time.Testing;
using static ByokGateway.Tests.Ledger.LedgerSamples;

namespace ByokGateway.Tests.Ledger;

/// <summary>What every ledger store does, run against SQLite and PostgreSQL by the subclasses.</summary>
public abstract class LedgerStoreContract
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A store on a fresh, empty database each call with the same <paramref name="database"/> shares it.</summary>
    protected abstract LedgerStore CreateStore(string database, bool billing = false);

    /// <summary>A scalar from the database, read around the store.</summary>
    protected abstract Task<long> CountAsync(string database, string sql);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string NewDatabase() => "db" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task MigrateAsync_EmptyThenAgain_AppliesEachMigrationOnce()
    {
        var database = NewDatabase();
        await using var store = CreateStore(database);

        var first = await store.MigrateAsync(Token);
        var second = await store.MigrateAsync(Token);

        Assert.True(first >= 1, "an empty database gets every migration");
        Assert.Equal(0, second);
        Assert.Equal(first, await CountAsync(database, "SELECT COUNT(*) FROM ledger_migrations"));
        Assert.Equal(0, await CountAsync(database, "SELECT COUNT(*) FROM usage"));
    }

    [Fact]
    public async Task MigrateAsync_TwoMigratorsAtOnce_BothSucceedAndApplyOnce()
    {
        var database = NewDatabase();
        await using (var bootstrap = CreateStore(database))
        {
            // The database (file) exists, the schema does not.
            Assert.Equal(0, await CountAsync(database, "SELECT 0"));
        }

        await using var one = CreateStore(database);
        await using var two = CreateStore(database);

        var applied = await Task.WhenAll(Task.Run(() => one.MigrateAsync(Token)), Task.Run(() => two.MigrateAsync(Token)));

        Assert.Equal(0, applied.Min());
        Assert.Equal(applied.Max(), await CountAsync(database, "SELECT COUNT(*) FROM ledger_migrations"));
    }

    [Fact]
    public async Task WriteAsync_RecordsAndEvents_ReadBackExactlyByDayUserAndRange()
    {
        var database = NewDatabase();
        await using var store = CreateStore(database);
        var late = Day1.AddHours(23).AddMinutes(59).AddSeconds(59).AddTicks(9_990);
        UsageRecord[] usage =
        [
            Call(Day1.AddHours(1), input: 100, output: 50, cached: 30),
            Call(late, input: 1, output: 2),
            // Unknown usage: counted as a request, adds no tokens.
            Call(Day1.AddHours(2), input: null, output: null, status: 502),
            Call(Day1.AddHours(3), input: 7, output: null),
            Call(Day1.AddDays(1), input: 5, output: 5),
            Call(Day1.AddHours(4), model: null, keySource: "byok", provider: "anthropic", input: 3, output: 4),
            Call(Day1.AddHours(5), user: "user-b", input: 1000, output: 1000),
            // Outside the range asked for.
            Call(Day1.AddDays(-1).AddHours(23), input: 9, output: 9),
            Call(Day1.AddDays(2), input: 9, output: 9),
        ];
        var audit = new[]
        {
            Event(Day1.AddHours(1), detail: "valid"),
            Event(Day1.AddHours(2), user: "user-b", action: "gateway_key_created", provider: null, detail: "gk_1"),
            Event(Day1.AddHours(3)),
        };

        await store.WriteAsync([.. usage.Select(u => new LedgerEntry(u, null)), .. audit.Select(a => new LedgerEntry(null, a))], Token);

        var rows = await store.UsageByDayAsync("user-a", DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.UtcDateTime).AddDays(1), Token);
        var day1 = DateOnly.FromDateTime(Day1.UtcDateTime);
        Assert.Equal(
            [
                new UsageDayRow(day1, "user-a", "anthropic", null, "byok", 1, 3, 4, 0, 0),
                new UsageDayRow(day1, "user-a", "openai", "gpt-5.4-mini", "system", 4, 101, 52, 30, 2),
                new UsageDayRow(day1.AddDays(1), "user-a", "openai", "gpt-5.4-mini", "system", 1, 5, 5, 0, 0),
            ],
            rows);

        var everyone = await store.UsageByDayAsync(null, day1, day1, Token);
        Assert.Equal(["user-a", "user-a", "user-b"], everyone.Select(r => r.UserId));

        Assert.Equal(new UsageTotals(6, 109, 61), await store.TotalsAsync("user-a", Day1, Day1.AddDays(2), Token));
        Assert.Equal(new UsageTotals(1, 1000, 1000), await store.TotalsAsync("user-b", Day1, Day1.AddDays(2), Token));
        // The range's end is excluded.
        Assert.Equal(new UsageTotals(1, 100, 50), await store.TotalsAsync("user-a", Day1, Day1.AddHours(2), Token));

        Assert.Equal([audit[0], audit[2]], await store.AuditAsync("user-a", Day1, Day1.AddDays(1), Token));
        Assert.Equal(audit, await store.AuditAsync(null, Day1, Day1.AddDays(1), Token));
        Assert.Empty(await store.AuditAsync(null, Day1.AddHours(4), Day1.AddDays(1), Token));
    }

    [Fact]
    public async Task WriteAsync_SameBatchTwice_StoresEachRecordOnce()
    {
        var database = NewDatabase();
        await using var store = CreateStore(database);
        LedgerEntry[] batch = [new(Call(Day1), null), new(Call(Day1.AddSeconds(1)), null), new(null, Event(Day1))];

        await store.WriteAsync(batch, Token);
        await store.WriteAsync(batch, Token);

        Assert.Equal(2, await CountAsync(database, "SELECT COUNT(*) FROM usage"));
        Assert.Equal(1, await CountAsync(database, "SELECT COUNT(*) FROM audit"));
    }

    [Fact]
    public async Task WriteAsync_ValuesAStoreWouldRefuse_StoredNotStuck()
    {
        var database = NewDatabase();
        await using var store = CreateStore(database);
        var odd = Call(Day1, model: "gpt\0evil") with { DurationMs = double.NaN, TimeToFirstByteMs = double.PositiveInfinity };

        await store.WriteAsync([new(odd, null), new(null, Event(Day1, detail: "a\0b"))], Token);

        var row = Assert.Single(await store.UsageByDayAsync(null, DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.UtcDateTime), Token));
        Assert.Equal("gpt\uFFFDevil", row.Model);
        Assert.Equal("a\uFFFDb", Assert.Single(await store.AuditAsync(null, Day1, Day1.AddDays(1), Token)).Detail);
    }

    [Fact]
    public async Task ClaimAsync_BillingOff_OffersNothing()
    {
        await using var store = CreateStore(NewDatabase(), billing: false);
        await store.WriteAsync([new(Call(Day1), null)], Token);

        Assert.Empty(await store.ClaimAsync(10, TimeSpan.FromMinutes(1), Token));
        Assert.Equal(0, await store.PendingCountAsync(Token));
    }

    [Fact]
    public async Task ClaimAsync_AckRetryAndLeaseExpiry_OffersEachRecordWhenDue()
    {
        await using var store = CreateStore(NewDatabase(), billing: true);
        UsageRecord[] usage = [Call(Day1, cached: 3), Call(Day1.AddSeconds(1), input: null, output: null, status: 500), Call(Day1.AddSeconds(2))];
        await store.WriteAsync([.. usage.Reverse().Select(u => new LedgerEntry(u, null))], Token);
        var lease = TimeSpan.FromMinutes(1);

        // Oldest first, every field as recorded.
        Assert.Equal(usage[..2], await store.ClaimAsync(2, lease, Token));
        Assert.Equal(usage[2..], await store.ClaimAsync(10, lease, Token));
        Assert.Empty(await store.ClaimAsync(10, lease, Token));
        Assert.Equal(3, await store.PendingCountAsync(Token));

        await store.AcknowledgeAsync([usage[0].Id], Token);
        await store.RetryLaterAsync([usage[1].Id], Time.GetUtcNow() + TimeSpan.FromMinutes(5), Token);
        Assert.Equal(2, await store.PendingCountAsync(Token));
        Assert.Empty(await store.ClaimAsync(10, lease, Token));

        // The lease of the third ends (its sender died): offered again; the second waits for its retry time.
        Time.Advance(lease);
        Assert.Equal([usage[2]], await store.ClaimAsync(10, lease, Token));
        await store.AcknowledgeAsync([usage[2].Id], Token);
        Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Empty(await store.ClaimAsync(10, lease, Token));
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([usage[1]], await store.ClaimAsync(10, lease, Token));

        await store.AcknowledgeAsync([usage[1].Id], Token);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await store.ClaimAsync(10, lease, Token));
        Assert.Equal(0, await store.PendingCountAsync(Token));
    }

    [Fact]
    public async Task ClaimAsync_TwoClaimersAtOnce_NeverGetTheSameRecord()
    {
        var database = NewDatabase();
        await using var one = CreateStore(database, billing: true);
        await using var two = CreateStore(database, billing: true);
        var usage = Enumerable.Range(0, 300).Select(i => Call(Day1.AddMilliseconds(i))).ToList();
        await one.WriteAsync([.. usage.Select(u => new LedgerEntry(u, null))], Token);

        async Task<List<Guid>> ClaimAllAsync(LedgerStore store)
        {
            var claimed = new List<Guid>();
            while (await store.ClaimAsync(7, TimeSpan.FromMinutes(10), Token) is { Count: > 0 } batch)
            {
                claimed.AddRange(batch.Select(r => r.Id));
            }

            return claimed;
        }

        var results = await Task.WhenAll(Task.Run(() => ClaimAllAsync(one)), Task.Run(() => ClaimAllAsync(two)));

        Assert.Empty(results[0].Intersect(results[1]));
        Assert.Equal(usage.Select(u => u.Id).Order(), results[0].Concat(results[1]).Order());
    }

    /// <summary>Opens a raw connection and reads one number.</summary>
    protected static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }
}
