using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Ledger;

/// <summary>
/// The usage ledger's store and write buffer (section <c>Ledger</c>, DESIGN.md §12): an embedded
/// SQLite file under <see cref="DataDirectory"/>, or PostgreSQL when
/// <see cref="PostgresConnectionString"/> is set (several replicas share it).
/// </summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";

    /// <summary>Where the SQLite file (<c>ledger.db</c>) lives; relative paths start at the working directory. Unused with PostgreSQL.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>A PostgreSQL connection string (Npgsql syntax: <c>Host=db;Database=byok;Username=byok;Password=...</c>); empty = SQLite.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>How many records wait in memory for the store (during an outage); past that new records are dropped, counted and logged.</summary>
    [Range(1, 10_000_000)]
    public int BufferCapacity { get; set; } = 100_000;

    /// <summary>The most records written in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the writer waits for a batch to fill before writing what it has.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    internal bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    internal string DatabaseFile => Path.Combine(Path.GetFullPath(DataDirectory), "ledger.db");
}
