using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ByokGateway.Keycloak;
using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.UsageReports;
using Microsoft.Extensions.Options;

namespace ByokGateway.Cli;

/// <summary><c>audit</c>: the ledger's audit events (keys added, removed, tested, rotated; gateway keys; limit refusals), oldest first.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var arguments = new ReportArguments();
        var command = new Command("audit", "Print audit events from the ledger, oldest first (ledger settings as for the gateway).");
        arguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await RunAsync(
            parse.GetValue(arguments.User), parse.GetValue(arguments.From), parse.GetValue(arguments.To), parse.GetValue(arguments.Format)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? user, string? from, string? to, string format, CancellationToken cancellationToken)
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
            var userId = await ReportArguments.ResolveUserAsync(user, host.Services, cancellationToken);
            var events = await host.Services.GetRequiredService<ILedgerQueries>().AuditAsync(userId, range.Since, range.Until, cancellationToken);
            await Console.Out.WriteAsync(format == "json" ? ToJson(range, userId, events) : ToCsv(events));
            return 0;
        }
        catch (Exception e) when (e is CliUserNotFoundException or OptionsValidationException or KeycloakUnavailableException or KeycloakRequestException)
        {
            await Console.Error.WriteLineAsync("error: " + (e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message));
            return 1;
        }
    }

    public static string ToCsv(IReadOnlyList<AuditEvent> events)
    {
        var lines = new List<string> { "timestamp,user_id,action,provider,detail" };
        lines.AddRange(events.Select(e => Csv.Line(Timestamp(e.Timestamp), e.UserId, e.Action, e.Provider, e.Detail)));
        return string.Join('\n', lines) + "\n";
    }

    public static string ToJson(UsageRange range, string? userId, IReadOnlyList<AuditEvent> events) =>
        JsonSerializer.Serialize(
            new AuditExport(
                UsageRange.Format(range.From),
                UsageRange.Format(range.To),
                userId,
                events.Select(e => new AuditExportEvent(e.Id.ToString(), Timestamp(e.Timestamp), e.UserId, e.Action, e.Provider, e.Detail)).ToList()),
            UsageCommand.Json) + "\n";

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record AuditExport(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("user_id")] string? UserId,
        [property: JsonPropertyName("events")] IReadOnlyList<AuditExportEvent> Events);

    private sealed record AuditExportEvent(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("timestamp")] string Timestamp,
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("provider")] string? Provider,
        [property: JsonPropertyName("detail")] string? Detail);
}
