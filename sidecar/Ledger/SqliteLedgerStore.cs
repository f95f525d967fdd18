using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ByokGateway.Ledger;

/// <summary>
/// The ledger in one SQLite file (the default: one replica). WAL mode lets the usage API read
/// while the writer writes; SQLite has one writer at a time, which also serialises outbox claims.
/// </summary>
public sealed class SqliteLedgerStore : LedgerStore
{
    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;
    private readonly string _connectionString;
    private volatile bool _walSet;

    public SqliteLedgerStore(string databaseFile, BillingOutboxActivation billing, TimeProvider time)
        : base(billing, time)
    {
        Location = databaseFile;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // How long a statement waits for another connection's write lock before failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    public override string Dialect => "sqlite";

    public override string Location { get; }

    protected override IReadOnlyList<string> Migrations => LedgerMigrations.Sqlite;

    protected override string DayExpression => "strftime('%Y-%m-%d', occurred_at / 1000000, 'unixepoch')";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!_walSet)
            {
                // Persistent in the file; set outside any transaction (SQLite refuses it inside one).
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
                _walSet = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // BeginTransaction on Microsoft.Data.Sqlite is BEGIN IMMEDIATE: the write lock is taken at once,
    // so two migrators (or claimers) run one after the other.
    protected override Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override object ToDb(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    protected override object ToDb(DateTimeOffset time) => (time.UtcTicks - EpochTicks) / 10;

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => new(EpochTicks + (reader.GetInt64(ordinal) * 10), TimeSpan.Zero);

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
