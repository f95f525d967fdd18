using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ByokGateway.Ledger;
using ByokGateway.UsageReports;

namespace ByokGateway.Cli;

/// <summary>
/// <c>usage</c>: the ledger's usage per UTC day, user, provider, model and key source, for one user
/// or all, as CSV or JSON on stdout. Token sums count only calls whose usage was known;
/// <c>unknown_usage_requests</c> says how many were not.
/// </summary>
public static class UsageCommand
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("usage", "Print usage from the ledger per day, user, provider, model and key source (ledger settings as for the gateway).");
        new ReportArguments().Attach(command, async (ledger, range, userId, format, cancellationToken) =>
        {
            var rows = await ledger.UsageByDayAsync(userId, range.From, range.To, cancellationToken);
            var ordered = rows
                .OrderBy(r => r.Date)
                .ThenBy(r => r.UserId, StringComparer.Ordinal)
                .ThenBy(r => r.Provider, StringComparer.Ordinal)
                .ThenBy(r => r.Model ?? string.Empty, StringComparer.Ordinal)
                .ThenBy(r => r.KeySource, StringComparer.Ordinal)
                .ToList();
            return format == "json" ? ToJson(range, userId, ordered) : ToCsv(ordered);
        });
        return command;
    }

    public static string ToCsv(IReadOnlyList<UsageDayRow> rows)
    {
        var lines = new List<string> { "date,user_id,provider,model,key_source,requests,input_tokens,output_tokens,cached_tokens,unknown_usage_requests" };
        lines.AddRange(rows.Select(r => Csv.Line(
            UsageRange.Format(r.Date), r.UserId, r.Provider, r.Model, r.KeySource, r.Requests, r.InputTokens, r.OutputTokens, r.CachedTokens, r.UnknownUsageRequests)));
        return string.Join('\n', lines) + "\n";
    }

    public static string ToJson(UsageRange range, string? userId, IReadOnlyList<UsageDayRow> rows) =>
        JsonSerializer.Serialize(
            new UsageExport(
                UsageRange.Format(range.From),
                UsageRange.Format(range.To),
                userId,
                new UsageExportTotal(rows.Sum(r => r.Requests), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), rows.Sum(r => r.CachedTokens), rows.Sum(r => r.UnknownUsageRequests)),
                rows.Select(r => new UsageExportRow(UsageRange.Format(r.Date), r.UserId, r.Provider, r.Model, r.KeySource, r.Requests, r.InputTokens, r.OutputTokens, r.CachedTokens, r.UnknownUsageRequests)).ToList()),
            Json) + "\n";

    private sealed record UsageExport(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("user_id")] string? UserId,
        [property: JsonPropertyName("total")] UsageExportTotal Total,
        [property: JsonPropertyName("rows")] IReadOnlyList<UsageExportRow> Rows);

    private sealed record UsageExportTotal(
        [property: JsonPropertyName("requests")] long Requests,
        [property: JsonPropertyName("input_tokens")] long InputTokens,
        [property: JsonPropertyName("output_tokens")] long OutputTokens,
        [property: JsonPropertyName("cached_tokens")] long CachedTokens,
        [property: JsonPropertyName("unknown_usage_requests")] long UnknownUsageRequests);

    private sealed record UsageExportRow(
        [property: JsonPropertyName("date")] string Date,
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("provider")] string Provider,
        [property: JsonPropertyName("model")] string? Model,
        [property: JsonPropertyName("key_source")] string KeySource,
        [property: JsonPropertyName("requests")] long Requests,
        [property: JsonPropertyName("input_tokens")] long InputTokens,
        [property: JsonPropertyName("output_tokens")] long OutputTokens,
        [property: JsonPropertyName("cached_tokens")] long CachedTokens,
        [property: JsonPropertyName("unknown_usage_requests")] long UnknownUsageRequests);
}
