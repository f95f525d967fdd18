using System.Collections.Concurrent;
using ByokGateway.Ledger;
using ByokGateway.Tests.Infrastructure;
using Npgsql;

namespace ByokGateway.Tests.Ledger;

/// <summary>The ledger contract on a real PostgreSQL server, a new database per test.</summary>
[Collection(SharedPostgres.Name)]
public sealed class PostgresLedgerStoreTests(PostgresFixture postgres) : LedgerStoreContract
{
    private readonly ConcurrentDictionary<string, string> _databases = new();

    protected override LedgerStore CreateStore(string database, bool billing = false) =>
        new PostgresLedgerStore(ConnectionString(database), billing ? BillingOutboxActivation.On : BillingOutboxActivation.Off, Time);

    protected override async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        return await ScalarAsync(connection, sql);
    }

    private string ConnectionString(string database) =>
        _databases.GetOrAdd(database, _ => postgres.Server.CreateDatabaseAsync().GetAwaiter().GetResult());
}
