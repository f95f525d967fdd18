using System.CommandLine;
using ByokGateway.Keycloak;
using ByokGateway.UsageReports;

namespace ByokGateway.Cli;

/// <summary>The options <c>usage</c> and <c>audit</c> share: whose, which days, which format.</summary>
internal sealed class ReportArguments
{
    public Option<string?> User { get; } = new("--user") { Description = "One user, by Keycloak user id or username; without it, every user." };

    public Option<string?> From { get; } = new("--from") { Description = $"First UTC day, YYYY-MM-DD (default: {UsageRange.DefaultDays} days ending at --to)." };

    public Option<string?> To { get; } = new("--to") { Description = "Last UTC day, YYYY-MM-DD, included (default: today)." };

    public Option<string> Format { get; } = CreateFormat();

    public void AddTo(Command command)
    {
        command.Options.Add(User);
        command.Options.Add(From);
        command.Options.Add(To);
        command.Options.Add(Format);
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format") { Description = "csv (default) or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        return format;
    }

    /// <summary>
    /// A user id as given when it has the shape of one (so a deleted user's ledger rows stay
    /// reachable and Keycloak is not needed), else the id of the user with that username.
    /// </summary>
    public static async Task<string?> ResolveUserAsync(string? user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (user is null || Guid.TryParse(user, out _))
        {
            return user;
        }

        var keycloak = services.GetRequiredService<KeycloakAdminClient>();
        await foreach (var candidate in keycloak.ListUsersAsync(cancellationToken))
        {
            // Keycloak stores usernames in lower case and compares them that way.
            if (string.Equals(candidate["username"]?.GetValue<string>(), user, StringComparison.OrdinalIgnoreCase)
                && candidate["id"]?.GetValue<string>() is { } id)
            {
                return id;
            }
        }

        throw new CliUserNotFoundException(user);
    }
}
