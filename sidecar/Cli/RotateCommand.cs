using System.CommandLine;
using ByokGateway.Crypto;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using ByokGateway.Observability;
using Microsoft.Extensions.Options;

namespace ByokGateway.Cli;

/// <summary>
/// Re-encrypts every stored key with the first key of <c>ENCRYPTION_KEYS</c>. Each user is one
/// read-modify-write, and keys already on the first key are left alone, so the command is
/// idempotent and an interrupted run is finished by running it again.
/// </summary>
public static class RotateCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be re-encrypted without writing anything." };
        var command = new Command("rotate", "Re-encrypt every user's stored keys with the first key of ENCRYPTION_KEYS (Keycloak settings as for the gateway).")
        {
            dryRun,
        };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(parse.GetValue(dryRun), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        try
        {
            using var host = CliHost.Build();
            var keys = host.Services.GetRequiredService<KeyRing>();
            var keycloak = host.Services.GetRequiredService<KeycloakAdminClient>();
            var store = host.Services.GetRequiredService<KeyStore>();
            var audit = host.Services.GetRequiredService<AuditLog>();
            var counts = new RotationCounts();

            await foreach (var user in keycloak.ListUsersAsync(cancellationToken))
            {
                if (user["id"]?.GetValue<string>() is not { } userId)
                {
                    continue;
                }

                counts.Users++;
                var record = ByokAttributes.ToRecord(userId, user);
                if (record.Keys.Values.All(k => keys.IsCurrent(k.Ciphertext)))
                {
                    counts.Current += record.Keys.Count;
                    continue;
                }

                var outcome = dryRun
                    ? Plan(record, keys)
                    : await store.UpdateForOperatorAsync(userId, (current, editor) => Apply(current, editor, keys), cancellationToken);
                counts.Add(outcome);
                if (!dryRun && outcome.Rotated > 0)
                {
                    counts.UsersUpdated++;
                    audit.KeysRotated(userId, outcome.Rotated);
                }
            }

            await Console.Out.WriteLineAsync(
                $"{(dryRun ? "Dry run: " : string.Empty)}users scanned: {counts.Users}; users updated: {counts.UsersUpdated}; "
                + $"keys {(dryRun ? "to re-encrypt" : "re-encrypted")}: {counts.Rotated}; keys already current: {counts.Current}; "
                + $"keys no configured key decrypts: {counts.Undecryptable}");
            if (counts.Undecryptable > 0)
            {
                await Console.Error.WriteLineAsync("warning: some stored keys cannot be decrypted with ENCRYPTION_KEYS; add the key they were encrypted with and run rotate again.");
                return 2;
            }

            return 0;
        }
        catch (Exception e) when (e is EncryptionKeyException or OptionsValidationException or KeycloakUnavailableException or KeycloakRequestException or AttributesNotStoredException)
        {
            await Console.Error.WriteLineAsync("error: " + (e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message));
            return 1;
        }
    }

    private static RotationOutcome Plan(ByokRecord record, KeyRing keys)
    {
        var outcome = new RotationOutcome();
        foreach (var stored in record.Keys.Values)
        {
            if (keys.IsCurrent(stored.Ciphertext))
            {
                outcome.Current++;
            }
            else if (keys.TryDecrypt(stored.Ciphertext, out _))
            {
                outcome.Rotated++;
            }
            else
            {
                outcome.Undecryptable++;
            }
        }

        return outcome;
    }

    private static RotationOutcome Apply(ByokRecord current, ByokAttributeEditor editor, KeyRing keys)
    {
        // Runs on the fresh read inside the update (and again if the update is retried), so the
        // counts always describe the version that was written.
        var outcome = new RotationOutcome();
        foreach (var (provider, stored) in current.Keys)
        {
            if (keys.IsCurrent(stored.Ciphertext))
            {
                outcome.Current++;
                continue;
            }

            try
            {
                editor.ReplaceCiphertext(provider, keys.Rotate(stored.Ciphertext));
                outcome.Rotated++;
            }
            catch (InvalidFernetTokenException)
            {
                outcome.Undecryptable++;
            }
        }

        return outcome;
    }

    private sealed class RotationOutcome
    {
        public int Rotated { get; set; }

        public int Current { get; set; }

        public int Undecryptable { get; set; }
    }

    private sealed class RotationCounts
    {
        public int Users { get; set; }

        public int UsersUpdated { get; set; }

        public int Rotated { get; set; }

        public int Current { get; set; }

        public int Undecryptable { get; set; }

        public void Add(RotationOutcome outcome)
        {
            Rotated += outcome.Rotated;
            Current += outcome.Current;
            Undecryptable += outcome.Undecryptable;
        }
    }
}
