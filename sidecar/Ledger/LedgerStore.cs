using System.Data.Common;
using System.Globalization;
using ByokGateway.Observability;
using ByokGateway.Usage;

namespace ByokGateway.Ledger;

/// <summary>
/// The ledger's tables in one SQL database (SQLite or PostgreSQL; the dialects differ only where
/// the subclasses say). The schema is brought up to date before the first read or write
/// (<see cref="EnsureSchemaAsync"/>), so the gateway and the operator CLI both find it.
/// </summary>
public abstract class LedgerStore : ILedgerQueries, IBillingOutbox, IAsyncDisposable
{
    private const string UsageColumns =
        "id, occurred_at, user_id, tier, provider, model, key_source, input_tokens, output_tokens, cached_tokens, status, duration_ms, ttfb_ms";

    // A call's tokens count when the provider reported both input and output; otherwise the call
    // counts as "unknown usage" and adds nothing to the sums (never guessed).
    private const string Known = "(input_tokens IS NOT NULL AND output_tokens IS NOT NULL)";

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    protected LedgerStore(BillingOutboxActivation billing, TimeProvider time)
    {
        BillingEnabled = billing.Enabled;
        _time = time;
    }

    /// <summary><c>sqlite</c> or <c>postgresql</c>, for logs and health.</summary>
    public abstract string Dialect { get; }

    /// <summary>Where the data lives, without secrets (a file path, or host and database).</summary>
    public abstract string Location { get; }

    protected bool BillingEnabled { get; }

    /// <summary>The dialect's migrations, in order; version = index + 1. Never edit one that shipped: add the next.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>Appended to the claim query: PostgreSQL skips rows another replica is claiming.</summary>
    protected virtual string ClaimLockClause => string.Empty;

    /// <summary>An SQL expression of the UTC day (text <c>YYYY-MM-DD</c>) of <c>occurred_at</c>.</summary>
    protected abstract string DayExpression { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Serialises migrators (two replicas starting at once), inside the migration transaction.</summary>
    protected abstract Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    protected abstract object ToDb(Guid id);

    protected abstract object ToDb(DateTimeOffset time);

    protected abstract Guid ReadGuid(DbDataReader reader, int ordinal);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public abstract ValueTask DisposeAsync();

    /// <summary>Applies the migrations not applied yet (idempotent; once per process when it succeeds).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await MigrateAsync(cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    /// <summary>The migrations applied, in one transaction under the dialect's lock; returns how many were new.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockMigrationsAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS ledger_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)", cancellationToken);

        var applied = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM ledger_migrations", cancellationToken), CultureInfo.InvariantCulture);
        var added = 0;
        for (var version = applied + 1; version <= Migrations.Count; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken);
            await using var record = Command(connection, transaction, "INSERT INTO ledger_migrations (version, applied_at) VALUES (@version, @at)");
            Add(record, "version", version);
            Add(record, "at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(cancellationToken);
            added++;
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>Writes a batch in one transaction; ids already stored are skipped, so a retried batch never duplicates.</summary>
    public async Task WriteAsync(IReadOnlyList<LedgerEntry> batch, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var usage = Command(connection, transaction,
            $"INSERT INTO usage ({UsageColumns}, billing_pending) VALUES (@id, @at, @user, @tier, @provider, @model, @key_source, @input, @output, @cached, @status, @duration, @ttfb, @pending) ON CONFLICT (id) DO NOTHING");
        await using var audit = Command(connection, transaction,
            "INSERT INTO audit (id, occurred_at, user_id, action, provider, detail) VALUES (@id, @at, @user, @action, @provider, @detail) ON CONFLICT (id) DO NOTHING");

        // The parameters are made once per batch and only their values change per row (Bind, in
        // the declared order): a new set per row was among the gateway's largest allocations under
        // streaming load (bench/README.md).
        Declare(usage, "id", "at", "user", "tier", "provider", "model", "key_source", "input", "output", "cached", "status", "duration", "ttfb", "pending");
        Declare(audit, "id", "at", "user", "action", "provider", "detail");
        foreach (var entry in batch)
        {
            if (entry.Usage is { } record)
            {
                Bind(usage, ToDb(record.Id), ToDb(record.Timestamp), record.UserId, record.Tier, record.Provider, record.Model, record.KeySource,
                    record.InputTokens, record.OutputTokens, record.CachedTokens, record.Status,
                    double.IsFinite(record.DurationMs) ? record.DurationMs : 0,
                    record.TimeToFirstByteMs is { } ttfb && double.IsFinite(ttfb) ? ttfb : null,
                    BillingEnabled);
                await usage.ExecuteNonQueryAsync(cancellationToken);
            }
            else if (entry.Audit is { } auditEvent)
            {
                Bind(audit, ToDb(auditEvent.Id), ToDb(auditEvent.Timestamp), auditEvent.UserId, auditEvent.Action, auditEvent.Provider, auditEvent.Detail);
                await audit.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageDayRow>> UsageByDayAsync(string? userId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {DayExpression} AS day, user_id, provider, model, key_source, COUNT(*),
                   COALESCE(SUM(CASE WHEN {Known} THEN input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN {Known} THEN output_tokens END), 0),
                   COALESCE(SUM(CASE WHEN {Known} THEN cached_tokens END), 0),
                   SUM(CASE WHEN {Known} THEN 0 ELSE 1 END)
            FROM usage
            WHERE occurred_at >= @since AND occurred_at < @until{UserFilter(userId)}
            GROUP BY {DayExpression}, user_id, provider, model, key_source
            """);
        Add(command, "since", ToDb(StartOf(firstDay)));
        Add(command, "until", ToDb(StartOf(lastDay.AddDays(1))));
        AddUser(command, userId);

        var rows = new List<UsageDayRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageDayRow(
                DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt64(8),
                reader.GetInt64(9)));
        }

        // Sorted here rather than in SQL: SQLite and PostgreSQL order NULLs and text differently.
        return [.. rows
            .OrderBy(r => r.Date)
            .ThenBy(r => r.UserId, StringComparer.Ordinal)
            .ThenBy(r => r.Provider, StringComparer.Ordinal)
            .ThenBy(r => r.Model, StringComparer.Ordinal)
            .ThenBy(r => r.KeySource, StringComparer.Ordinal)];
    }

    public async Task<UsageTotals> TotalsAsync(string? userId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT COUNT(*),
                   COALESCE(SUM(CASE WHEN {Known} THEN input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN {Known} THEN output_tokens END), 0)
            FROM usage
            WHERE occurred_at >= @since AND occurred_at < @until{UserFilter(userId)}
            """);
        Add(command, "since", ToDb(since));
        Add(command, "until", ToDb(until));
        AddUser(command, userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new UsageTotals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<IReadOnlyList<AuditEvent>> AuditAsync(string? userId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT id, occurred_at, user_id, action, provider, detail FROM audit WHERE occurred_at >= @since AND occurred_at < @until{UserFilter(userId)} ORDER BY occurred_at, id");
        Add(command, "since", ToDb(since));
        Add(command, "until", ToDb(until));
        AddUser(command, userId);
        var events = new List<AuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEvent(
                ReadGuid(reader, 0),
                ReadTime(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return events;
    }

    public async Task<IReadOnlyList<UsageRecord>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await EnsureSchemaAsync(cancellationToken);
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);

        // SQLite: the transaction takes the database's write lock first (BEGIN IMMEDIATE), so two
        // claimers run one after the other. PostgreSQL: FOR UPDATE SKIP LOCKED leaves rows another
        // claimer holds to it; a row it leased meanwhile fails the lease test when re-read.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = new List<UsageRecord>();
        await using (var select = Command(connection, transaction,
            $"""
            SELECT {UsageColumns} FROM usage
            WHERE billing_pending
              AND (billing_not_before IS NULL OR billing_not_before <= @now)
              AND (billing_lease_until IS NULL OR billing_lease_until <= @now)
            ORDER BY occurred_at, id
            LIMIT @max{ClaimLockClause}
            """))
        {
            Add(select, "now", ToDb(now));
            Add(select, "max", max);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(ReadUsage(reader));
            }
        }

        await using (var update = Command(connection, transaction, "UPDATE usage SET billing_lease_until = @until, billing_attempts = billing_attempts + 1 WHERE id = @id"))
        {
            foreach (var record in claimed)
            {
                update.Parameters.Clear();
                Add(update, "until", ToDb(now + lease));
                Add(update, "id", ToDb(record.Id));
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public Task AcknowledgeAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        UpdateEachAsync(ids, "UPDATE usage SET billing_pending = @done, billing_lease_until = NULL WHERE id = @id", command => Add(command, "done", false), cancellationToken);

    public Task RetryLaterAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        UpdateEachAsync(ids, "UPDATE usage SET billing_not_before = @not_before, billing_lease_until = NULL WHERE id = @id AND billing_pending", command => Add(command, "not_before", ToDb(notBefore)), cancellationToken);

    public async Task<long> PendingCountAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM usage WHERE billing_pending", cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task UpdateEachAsync(IReadOnlyCollection<Guid> ids, string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction, sql);
        foreach (var id in ids)
        {
            command.Parameters.Clear();
            parameters(command);
            Add(command, "id", ToDb(id));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private UsageRecord ReadUsage(DbDataReader reader) => new()
    {
        Id = ReadGuid(reader, 0),
        Timestamp = ReadTime(reader, 1),
        UserId = reader.GetString(2),
        Tier = reader.GetString(3),
        Provider = reader.GetString(4),
        Model = reader.IsDBNull(5) ? null : reader.GetString(5),
        KeySource = reader.GetString(6),
        InputTokens = reader.IsDBNull(7) ? null : reader.GetInt64(7),
        OutputTokens = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        CachedTokens = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        Status = reader.GetInt32(10),
        DurationMs = reader.GetDouble(11),
        TimeToFirstByteMs = reader.IsDBNull(12) ? null : reader.GetDouble(12),
    };

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string UserFilter(string? userId) => userId is null ? string.Empty : " AND user_id = @user_id";

    private static void AddUser(DbCommand command, string? userId)
    {
        if (userId is not null)
        {
            Add(command, "user_id", userId);
        }
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is this class's own text; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static void Declare(DbCommand command, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            Add(command, name, null);
        }
    }

    // The values of the parameters Declare made, in the same order.
    private static void Bind(DbCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = StoredValue(values[i]);
        }
    }

    // A value the store refuses would fail its whole batch on every retry, and the batches behind
    // it: PostgreSQL refuses NUL in text (a model name is the provider's text).
    private static object StoredValue(object? value) =>
        value is string text && text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : value ?? DBNull.Value;

    protected static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        // With its prefix: Microsoft.Data.Sqlite looks a bare name up as given and then with each
        // of @, : and $, encoding the name anew every time, on every row (the ledger's largest
        // allocation under streaming load, bench/README.md). Npgsql strips the @.
        parameter.ParameterName = "@" + name;
        parameter.Value = StoredValue(value);
        command.Parameters.Add(parameter);
    }
}
