using System.CommandLine;
using ByokGateway.Keycloak;
using ByokGateway.Ledger;
using ByokGateway.UsageReports;
using Microsoft.Extensions.Options;

namespace ByokGateway.Cli;

/// <summary>The options <c>usage</c> and <c>audit</c> share: whose, which days, which format.</summary>
internal sealed class ReportArguments
{
    public Option<string?> User { get; } = new("--user") { Description = "One user, by Keycloak user id or username; without it, every user." };

    public Option<string?> From { get; } = new("--from") { Description = $"First UTC day, YYYY-MM-DD (default: {UsageRange.DefaultDays} days ending at --to)." };

    public Option<string?> To { get; } = new("--to") { Description = "Last UTC day, YYYY-MM-DD, included (default: today)." };

    public Option<string> Format { get; } = CreateFormat();

    /// <summary>
    /// Adds the options to <paramref name="command"/> and makes it run <paramref name="report"/>
    /// (the ledger, the days, the resolved user id or null, the format → the text for stdout); a bad
    /// range, an unknown user or an unreachable store or Keycloak is one "error:" line and exit 1.
    /// </summary>
    public void Attach(Command command, Func<ILedgerQueries, UsageRange, string?, string, CancellationToken, Task<string>> report)
    {
        command.Options.Add(User);
        command.Options.Add(From);
        command.Options.Add(To);
        command.Options.Add(Format);
        command.SetAction(async (parse, cancellationToken) => await RunAsync(
            parse.GetValue(User), parse.GetValue(From), parse.GetValue(To), parse.GetValue(Format)!, report, cancellationToken));
    }

    private static async Task<int> RunAsync(
        string? user, string? from, string? to, string format,
        Func<ILedgerQueries, UsageRange, string?, string, CancellationToken, Task<string>> report, CancellationToken cancellationToken)
    {
        var (range, _, error) = UsageRange.Parse(from, to, TimeProvider.System.GetUtcNow());
        if (range is null)
        {
            await Console.Error.WriteLineAsync("error: " + error!.Replace("'from'", "--from", StringComparison.Ordinal).Replace("'to'", "--to", StringComparison.Ordinal));
            return 1;
        }

        try
        {
            using var host = CliHost.Build();
            var userId = await ResolveUserAsync(user, host.Services, cancellationToken);
            await Console.Out.WriteAsync(await report(host.Services.GetRequiredService<ILedgerQueries>(), range, userId, format, cancellationToken));
            return 0;
        }
        catch (Exception e) when (e is CliUserNotFoundException or OptionsValidationException or KeycloakUnavailableException or KeycloakRequestException)
        {
            await Console.Error.WriteLineAsync("error: " + (e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message));
            return 1;
        }
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
