using System.Text.Json.Nodes;
using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Billing;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Cli;

/// <summary>
/// <c>usage</c> and <c>audit</c>, run as the real binary against the SQLite ledger a real gateway
/// wrote (its own data directory), with the emulator for username look-ups.
/// </summary>
public sealed class ReportCommandsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private TestGateway? _gateway;
    private TestUser? _alice;
    private TestUser? _bob;

    private TestGateway Gateway => _gateway!;

    public async ValueTask InitializeAsync()
    {
        _gateway = await TestGateway.StartAsync();
        _alice = await Gateway.Keycloak.CreateUserAsync("starter", "alice");
        _bob = await Gateway.Keycloak.CreateUserAsync("starter", "bob");
        BillingRecords.Record(Gateway.Sidecar,
        [
            BillingRecords.Make(_alice.Id, 10, 20, at: Day1),
            BillingRecords.Make(_alice.Id, 1, 2, at: Day1),
            BillingRecords.Make(_alice.Id, null, null, model: "gpt-5.4", at: Day2),
            BillingRecords.Make(_bob.Id, 5, 6, at: Day2, keySource: "byok"),
            BillingRecords.Make(_bob.Id, 9, 9, at: Day2.AddDays(5)),
        ]);
        var audit = Gateway.Sidecar.Services.GetServices<IAuditSink>().ToList();
        foreach (var sink in audit)
        {
            sink.Record(new AuditEvent(Guid.CreateVersion7(), Day1, _alice.Id, AuditActions.KeyAdded, "openai", null));
            sink.Record(new AuditEvent(Guid.CreateVersion7(), Day1.AddMinutes(5), _alice.Id, AuditActions.KeyTested, "openai", "valid, \"ok\""));
            sink.Record(new AuditEvent(Guid.CreateVersion7(), Day2, _bob.Id, AuditActions.GatewayKeyCreated, null, "gk_1"));
        }

        var ledger = Gateway.Sidecar.Services.GetRequiredService<ILedgerQueries>();
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await ledger.UsageByDayAsync(null, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), CancellationToken.None)).Sum(r => r.Requests) == 5
            && (await ledger.AuditAsync(null, Day1.AddHours(-10), Day2.AddDays(1), CancellationToken.None)).Count == 3));
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task Usage_AllUsersCsv_OneLinePerDayUserModelAndKeySource()
    {
        var result = await RunAsync("usage", "--from", "2026-03-01", "--to", "2026-03-02");

        Assert.Equal(0, result.ExitCode);
        var (a, b) = (_alice!.Id, _bob!.Id);
        // Rows of one day are ordered by user id.
        string[] day2 = [$"2026-03-02,{a},openai,gpt-5.4,system,1,0,0,0,1", $"2026-03-02,{b},openai,gpt-5.4-mini,byok,1,5,6,2,0"];
        var expected = string.Join(
            '\n',
            ["date,user_id,provider,model,key_source,requests,input_tokens,output_tokens,cached_tokens,unknown_usage_requests",
             $"2026-03-01,{a},openai,gpt-5.4-mini,system,2,11,22,4,0",
             .. day2.Order(StringComparer.Ordinal)]) + "\n";
        Assert.Equal(expected, result.StandardOutput);
    }

    [Fact]
    public async Task Usage_OneUserByUsernameJson_TheirRowsAndTotal()
    {
        var result = await RunAsync("usage", "--user", _alice!.Username, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var a = _alice.Id;
        var expected = JsonNode.Parse($$"""
            {"from":"2026-03-01","to":"2026-03-31","user_id":"{{a}}",
             "total":{"requests":3,"input_tokens":11,"output_tokens":22,"cached_tokens":4,"unknown_usage_requests":1},
             "rows":[
               {"date":"2026-03-01","user_id":"{{a}}","provider":"openai","model":"gpt-5.4-mini","key_source":"system","requests":2,"input_tokens":11,"output_tokens":22,"cached_tokens":4,"unknown_usage_requests":0},
               {"date":"2026-03-02","user_id":"{{a}}","provider":"openai","model":"gpt-5.4","key_source":"system","requests":1,"input_tokens":0,"output_tokens":0,"cached_tokens":0,"unknown_usage_requests":1}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(result.StandardOutput)), result.StandardOutput);
    }

    [Fact]
    public async Task Usage_UserById_NeedsNoUsernameLookup()
    {
        var result = await RunAsync("usage", "--user", _bob!.Id, "--from", "2026-03-07", "--to", "2026-03-07");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "date,user_id,provider,model,key_source,requests,input_tokens,output_tokens,cached_tokens,unknown_usage_requests\n"
            + $"2026-03-07,{_bob.Id},openai,gpt-5.4-mini,system,1,9,9,2,0\n",
            result.StandardOutput);
    }

    [Fact]
    public async Task Usage_UnknownUsername_FailsWithOneLineError()
    {
        var result = await RunAsync("usage", "--user", "nobody-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: no user of the realm has the username", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Theory]
    [InlineData("--from", "2026-03-02", "--to", "2026-03-01", "is after --to")]
    [InlineData("--from", "2025-01-01", "--to", "2026-03-01", "at most 366 days")]
    [InlineData("--from", "March", "--to", "2026-03-01", "--from must be a day as YYYY-MM-DD")]
    public async Task Usage_BadRange_FailsNamingTheOption(string o1, string v1, string o2, string v2, string says)
    {
        var result = await RunAsync("usage", o1, v1, o2, v2);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(says, result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Usage_UnknownFormat_IsRefused()
    {
        var result = await RunAsync("usage", "--format", "xml");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("xml", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_OneUserCsv_OldestFirstWithQuotedDetail()
    {
        var result = await RunAsync("audit", "--user", _alice!.Username, "--from", "2026-03-01", "--to", "2026-03-02");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "timestamp,user_id,action,provider,detail\n"
            + $"2026-03-01T10:00:00.000Z,{_alice.Id},key_added,openai,\n"
            + $"2026-03-01T10:05:00.000Z,{_alice.Id},key_tested,openai,\"valid, \"\"ok\"\"\"\n",
            result.StandardOutput);
    }

    [Fact]
    public async Task Audit_AllUsersJson_EveryEventInRange()
    {
        var result = await RunAsync("audit", "--from", "2026-03-02", "--to", "2026-03-02", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var report = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("2026-03-02", report["from"]!.GetValue<string>());
        Assert.Null(report["user_id"]);
        var single = Assert.Single(report["events"]!.AsArray())!;
        Assert.Equal(_bob!.Id, single["user_id"]!.GetValue<string>());
        Assert.Equal("gateway_key_created", single["action"]!.GetValue<string>());
        Assert.Null(single["provider"]);
        Assert.Equal("gk_1", single["detail"]!.GetValue<string>());
        Assert.Equal("2026-03-02T10:00:00.000Z", single["timestamp"]!.GetValue<string>());
    }

    private Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunSidecarAsync(arguments, environment: new Dictionary<string, string?>
        {
            ["Ledger__DataDirectory"] = Gateway.Settings["Ledger:DataDirectory"],
            ["Keycloak__Url"] = Gateway.Keycloak.Url.ToString(),
            ["Keycloak__ClientSecret"] = Gateway.Keycloak.Secret,
        });
}
