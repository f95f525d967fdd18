using System.Data.Common;
using Npgsql;

namespace ByokGateway.Ledger;

/// <summary>
/// The ledger in PostgreSQL, shared by every replica: migrations under an advisory lock, outbox
/// claims with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class PostgresLedgerStore : LedgerStore
{
    // pg_advisory_xact_lock key of the ledger's migrations ("byokledg" as ASCII), held until the
    // migration transaction ends.
    private const long MigrationLockKey = 0x62796F6B6C656467;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresLedgerStore(string connectionString, BillingOutboxActivation billing, TimeProvider time)
        : base(billing, time)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Never a password in what is shown: host, port and database only.
        Location = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Dialect => "postgresql";

    public override string Location { get; }

    protected override IReadOnlyList<string> Migrations => LedgerMigrations.Postgres;

    protected override string ClaimLockClause => " FOR UPDATE SKIP LOCKED";

    protected override string DayExpression => "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)");
        Add(command, "key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override object ToDb(Guid id) => id;

    // Npgsql writes timestamptz from UTC values only.
    protected override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
