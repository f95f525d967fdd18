using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.UsageReports;

namespace ByokGateway.Cli;

/// <summary><c>audit</c>: the ledger's audit events (keys added, removed, tested, rotated; gateway keys; limit refusals), oldest first.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Print audit events from the ledger, oldest first (ledger settings as for the gateway).");
        new ReportArguments().Attach(command, async (ledger, range, userId, format, cancellationToken) =>
        {
            var events = await ledger.AuditAsync(userId, range.Since, range.Until, cancellationToken);
            return format == "json" ? ToJson(range, userId, events) : ToCsv(events);
        });
        return command;
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
