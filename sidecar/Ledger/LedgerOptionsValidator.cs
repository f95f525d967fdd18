using Microsoft.Extensions.Options;
using Npgsql;

namespace ByokGateway.Ledger;

/// <summary>
/// Checks what can be checked without the store answering: a PostgreSQL connection string that
/// parses, or a data directory the gateway can write. An unreachable PostgreSQL is not a
/// configuration error: the gateway starts and buffers (see <see cref="LedgerWriter"/>).
/// </summary>
public sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        return options.UsesPostgres ? ValidatePostgres(options.PostgresConnectionString!) : ValidateDirectory(options.DataDirectory);
    }

    private static ValidateOptionsResult ValidatePostgres(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(parsed.Host)
                ? ValidateOptionsResult.Fail("Ledger:PostgresConnectionString names no Host: write it as Host=<server>;Database=<db>;Username=<user>;Password=<password>.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // The text itself is not repeated: it may hold a password.
            return ValidateOptionsResult.Fail(
                $"Ledger:PostgresConnectionString cannot be read ({e.Message}): write it as Host=<server>;Database=<db>;Username=<user>;Password=<password>.");
        }
    }

    private static ValidateOptionsResult ValidateDirectory(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return ValidateOptionsResult.Fail("Ledger:DataDirectory is empty: name a directory the gateway can write (the usage ledger's SQLite file goes there), or set Ledger:PostgresConnectionString.");
        }

        string full;
        try
        {
            full = Path.GetFullPath(directory);
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail(
                $"Ledger:DataDirectory '{directory}' cannot be written ({e.GetType().Name}: {e.Message}): create it writable for the gateway's user, choose another directory, or set Ledger:PostgresConnectionString.");
        }
    }
}
