using ByokGateway.Ledger;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ByokGateway.Tests.Ledger;

/// <summary>The ledger contract on SQLite, one file per test database.</summary>
public sealed class SqliteLedgerStoreTests : LedgerStoreContract, IDisposable
{
    private readonly string _directory = SidecarServer.NewLedgerDirectory();

    public SqliteLedgerStoreTests() => Directory.CreateDirectory(_directory);

    protected override LedgerStore CreateStore(string database, bool billing = false) =>
        new SqliteLedgerStore(File(database), billing ? BillingOutboxActivation.On : BillingOutboxActivation.Off, Time);

    protected override async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File(database)}");
        return await ScalarAsync(connection, sql);
    }

    [Fact]
    public async Task MigrateAsync_NewFile_UsesWriteAheadLogging()
    {
        await using var store = CreateStore("wal");
        await store.MigrateAsync(TestContext.Current.CancellationToken);

        await using var connection = new SqliteConnection($"Data Source={File("wal")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand("PRAGMA journal_mode", connection);
        Assert.Equal("wal", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose() => SidecarServer.DeleteLedgerDirectory(_directory);

    private string File(string database) => Path.Combine(_directory, database + ".db");
}
