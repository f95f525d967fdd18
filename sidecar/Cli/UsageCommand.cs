using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ByokGateway.Keycloak;
using ByokGateway.Ledger;
using ByokGateway.UsageReports;
using Microsoft.Extensions.Options;

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
        var arguments = new ReportArguments();
        var command = new Command("usage", "Print usage from the ledger per day, user, provider, model and key source (ledger settings as for the gateway).");
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
            var rows = await host.Services.GetRequiredService<ILedgerQueries>().UsageByDayAsync(userId, range.From, range.To, cancellationToken);
            var ordered = rows
                .OrderBy(r => r.Date)
                .ThenBy(r => r.UserId, StringComparer.Ordinal)
                .ThenBy(r => r.Provider, StringComparer.Ordinal)
                .ThenBy(r => r.Model ?? string.Empty, StringComparer.Ordinal)
                .ThenBy(r => r.KeySource, StringComparer.Ordinal)
                .ToList();
            await Console.Out.WriteAsync(format == "json" ? ToJson(range, userId, ordered) : ToCsv(ordered));
            return 0;
        }
        catch (Exception e) when (e is CliUserNotFoundException or OptionsValidationException or KeycloakUnavailableException or KeycloakRequestException)
        {
            await Console.Error.WriteLineAsync("error: " + (e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message));
            return 1;
        }
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
