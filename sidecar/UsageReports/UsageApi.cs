using System.Security.Claims;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using ByokGateway.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ByokGateway.UsageReports;

/// <summary>The caller's own usage from the ledger (DESIGN.md §12), beside the BYOK management API.</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/byok")
            .RequireAuthorization(ByokAuthExtensions.UserPolicy)
            .RequireCors(CorsExtensions.PolicyName)
            .WithTags("Usage")
            .MapGet("/usage", GetUsageAsync)
            .WithName("GetUsage");
        return app;
    }

    public static async Task<Results<Ok<UsageReportResponse>, ProblemHttpResult>> GetUsageAsync(
        string? from,
        string? to,
        ClaimsPrincipal user,
        KeyStore store,
        [FromServices] ILedgerQueries ledger,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (range, parameter, error) = UsageRange.Parse(from, to, time.GetUtcNow());
        if (range is null)
        {
            return ApiProblems.InvalidParameter(parameter!, error!);
        }

        // Like every management route, a deleted or disabled account is refused (403).
        var userId = ByokAuthExtensions.UserId(user);
        KeyStore.RequireActive(await store.GetAsync(userId, cancellationToken));

        var rows = await ledger.UsageByDayAsync(userId, range.From, range.To, cancellationToken);
        return TypedResults.Ok(ToReport(range, rows));
    }

    /// <summary>The report of one user's rows (the ledger groups by user too; rows of other users are not expected here).</summary>
    public static UsageReportResponse ToReport(UsageRange range, IReadOnlyList<UsageDayRow> rows)
    {
        var merged = rows
            .GroupBy(r => (r.Date, r.Provider, r.Model, r.KeySource))
            .Select(g => new UsageRowResponse(
                UsageRange.Format(g.Key.Date),
                g.Key.Provider,
                g.Key.Model,
                g.Key.KeySource,
                g.Sum(r => r.Requests),
                g.Sum(r => r.InputTokens),
                g.Sum(r => r.OutputTokens)))
            .OrderBy(r => r.Date, StringComparer.Ordinal)
            .ThenBy(r => r.Provider, StringComparer.Ordinal)
            .ThenBy(r => r.Model ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(r => r.KeySource, StringComparer.Ordinal)
            .ToList();
        var total = new UsageTotalResponse(merged.Sum(r => r.Requests), merged.Sum(r => r.InputTokens), merged.Sum(r => r.OutputTokens));
        return new UsageReportResponse(UsageRange.Format(range.From), UsageRange.Format(range.To), total, merged);
    }
}
