using System.Net;
using System.Text.Json.Nodes;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Billing;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.UsageReports;

/// <summary><c>GET /api/v1/byok/usage</c> over the real SQLite ledger of the shared gateway.</summary>
public sealed class UsageApiTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Usage_RecordsOverDays_GroupedPerDayModelAndKeySourceForTheCallerOnly()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "usage");
        var other = await Stack.Keycloak.CreateUserAsync("starter", "other");
        var day1 = new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.Zero);
        var day2 = new DateTimeOffset(2026, 3, 2, 0, 1, 0, TimeSpan.Zero);
        BillingRecords.Record(Stack.Sidecar,
        [
            BillingRecords.Make(user.Id, 10, 20, at: day1),
            BillingRecords.Make(user.Id, 1, 2, at: day1),
            BillingRecords.Make(user.Id, 5, 6, at: day1, keySource: "byok"),
            BillingRecords.Make(user.Id, 100, 200, model: "gpt-5.4", at: day2),
            BillingRecords.Make(user.Id, null, null, model: "gpt-5.4", at: day2),
            BillingRecords.Make(user.Id, 7, 7, at: day2.AddDays(1)),
            BillingRecords.Make(other.Id, 1000, 1000, at: day1),
        ]);
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        JsonObject report = [];
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            report = (await (await client.GetAsync("api/v1/byok/usage?from=2026-03-01&to=2026-03-02", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsObject();
            return report["total"]!["requests"]!.GetValue<long>() == 5;
        }));

        var expected = JsonNode.Parse("""
            {"from":"2026-03-01","to":"2026-03-02",
             "total":{"requests":5,"input_tokens":116,"output_tokens":228},
             "rows":[
               {"date":"2026-03-01","provider":"openai","model":"gpt-5.4-mini","key_source":"byok","requests":1,"input_tokens":5,"output_tokens":6},
               {"date":"2026-03-01","provider":"openai","model":"gpt-5.4-mini","key_source":"system","requests":2,"input_tokens":11,"output_tokens":22},
               {"date":"2026-03-02","provider":"openai","model":"gpt-5.4","key_source":"system","requests":2,"input_tokens":100,"output_tokens":200}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, report), report.ToJsonString());
    }

    [Fact]
    public async Task Usage_NoRange_LastThirtyDaysEndingToday()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "usage30");
        var now = DateTimeOffset.UtcNow;
        BillingRecords.Record(Stack.Sidecar, [BillingRecords.Make(user.Id, 3, 4, at: now), BillingRecords.Make(user.Id, 50, 50, at: now.AddDays(-30))]);
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        JsonObject report = [];
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            report = (await (await client.GetAsync("api/v1/byok/usage", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsObject();
            return report["total"]!["requests"]!.GetValue<long>() > 0;
        }));

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), report["to"]!.GetValue<string>());
        Assert.Equal(today.AddDays(-29).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), report["from"]!.GetValue<string>());
        Assert.Equal(1, report["total"]!["requests"]!.GetValue<long>());
        Assert.Equal(3, report["total"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task Usage_NothingRecorded_EmptyRowsAndZeroTotal()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free", "usage0");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var report = await (await client.GetAsync("api/v1/byok/usage?from=2026-01-01&to=2026-01-31", TestContext.Current.CancellationToken)).AssertOkJsonAsync();

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"from":"2026-01-01","to":"2026-01-31","total":{"requests":0,"input_tokens":0,"output_tokens":0},"rows":[]}"""),
            report), report.ToJsonString());
    }

    [Theory]
    [InlineData("from=2026-03-02&to=2026-03-01", "from", "after 'to'")]
    [InlineData("from=2025-01-01&to=2026-03-01", "to", "at most 366 days")]
    [InlineData("from=yesterday", "from", "YYYY-MM-DD")]
    [InlineData("to=2026-02-30", "to", "YYYY-MM-DD")]
    [InlineData("from=2026-03-01T00:00:00Z", "from", "YYYY-MM-DD")]
    [InlineData("to=", "to", "YYYY-MM-DD")]
    public async Task Usage_BadRange_Returns400NamingTheParameter(string query, string parameter, string says)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "usagebad");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.GetAsync("api/v1/byok/usage?" + query, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(says, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(says, Assert.Single(problem.FieldErrors(parameter)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_NoToken_Returns401()
    {
        using var client = Stack.Sidecar.Client();

        using var response = await client.GetAsync("api/v1/byok/usage", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Usage_DisabledUser_Returns403()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "usagedis");
        var token = await user.TokenAsync();
        var representation = await Stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await Stack.Keycloak.PutUserAsync(user.Id, representation);
        using var client = Stack.Sidecar.Client(token);

        var problem = await (await client.GetAsync("api/v1/byok/usage", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ListsTheUsageRoute()
    {
        using var client = Stack.Sidecar.Client();

        var document = await client.GetStringAsync("openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("\"/api/v1/byok/usage\"", document, StringComparison.Ordinal);
        Assert.Contains("\"GetUsage\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_RecordsThisAndLastMonth_CountsThisMonthOnly()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "statsm");
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        BillingRecords.Record(Stack.Sidecar,
        [
            BillingRecords.Make(user.Id, 10, 20, at: now),
            BillingRecords.Make(user.Id, null, null, at: now),
            BillingRecords.Make(user.Id, 1, 2, at: monthStart),
            BillingRecords.Make(user.Id, 500, 500, at: monthStart.AddSeconds(-1)),
        ]);
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        JsonObject stats = [];
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            stats = (await (await client.GetAsync("api/v1/byok/stats", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsObject();
            return stats["month_requests"]!.GetValue<long>() == 3;
        }), stats.ToJsonString());

        Assert.Equal(11, stats["month_input_tokens"]!.GetValue<long>());
        Assert.Equal(22, stats["month_output_tokens"]!.GetValue<long>());
        // The fields it had keep their values.
        Assert.Equal(0, stats["configured_providers"]!.GetValue<int>());
        Assert.Equal("starter", stats["user_tier"]!.GetValue<string>());
        Assert.True(stats["byok_allowed"]!.GetValue<bool>());
    }
}
