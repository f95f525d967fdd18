using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Billing;

/// <summary>
/// The Lago export end to end: a real gateway with its SQLite ledger as the outbox, Keycloak
/// (emulator) for subscription attributes, and the recording Lago server, which checks every
/// request against Lago's documented schema and records events by <c>transaction_id</c>.
/// </summary>
public sealed class LagoExporterTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private RecordingLagoServer? _lago;

    private RecordingLagoServer Lago => _lago!;

    public async ValueTask InitializeAsync() => _lago = await RecordingLagoServer.StartAsync();

    public async ValueTask DisposeAsync() => await Lago.DisposeAsync();

    [Fact]
    public async Task Export_ManyRecords_EachArrivesOnceInBatchesOfAtMost100WithDocumentedFields()
    {
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "bill");
        var known = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 249).Select(i => BillingRecords.Make(user.Id, input: i, output: 2 * i)));
        var unknown = BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(user.Id, input: null, output: null)]).Single();

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Stored.Count >= 250), Long), $"Lago has {Lago.Stored.Count} of 250 events");
        Assert.Empty(Lago.Violations);
        Assert.Empty(Lago.Duplicates);
        Assert.InRange(Lago.LargestBatch, 2, 100);
        Assert.Equal(known.Select(r => r.Id.ToString()).Append(unknown.Id.ToString()).Order(), Lago.Stored.Keys.Order());
        Assert.All(Lago.StoredCount.Values, count => Assert.Equal(1, count));

        var record = known[7];
        var sent = Lago.Stored[record.Id.ToString()];
        Assert.Equal(user.Id, sent["external_subscription_id"]!.GetValue<string>());
        Assert.Equal("llm_usage", sent["code"]!.GetValue<string>());
        Assert.Equal(record.Timestamp.ToUnixTimeSeconds(), sent["timestamp"]!.GetValue<long>());
        var properties = sent["properties"]!.AsObject();
        Assert.Equal(7, properties["input_tokens"]!.GetValue<long>());
        Assert.Equal(14, properties["output_tokens"]!.GetValue<long>());
        Assert.Equal(2, properties["cached_tokens"]!.GetValue<long>());
        Assert.Equal("gpt-5.4-mini", properties["model"]!.GetValue<string>());
        Assert.Equal("openai", properties["provider"]!.GetValue<string>());
        Assert.Equal("system", properties["key_source"]!.GetValue<string>());
        Assert.Equal(200, properties["status"]!.GetValue<int>());

        // Unknown usage: the call is billed as a request, its tokens are absent rather than 0.
        var withoutUsage = Lago.Stored[unknown.Id.ToString()]["properties"]!.AsObject();
        Assert.False(withoutUsage.ContainsKey("input_tokens"));
        Assert.False(withoutUsage.ContainsKey("output_tokens"));
        Assert.False(withoutUsage.ContainsKey("cached_tokens"));
        Assert.Equal("openai", withoutUsage["provider"]!.GetValue<string>());

        Assert.True(await Eventually.HoldsAsync(async () => MetricValue(await MetricsAsync(gateway), "byok_billing_events_pending") == 0, Long));
        Assert.Equal(250, MetricValue(await MetricsAsync(gateway), "byok_billing_events_sent_total"));
        gateway.Sidecar.Logs.AssertAbsent(RecordingLagoServer.ApiKey, "the Lago API key");
    }

    [Fact]
    public async Task Export_LagoDownForAWhileThenBack_EveryEventArrivesOnce()
    {
        Lago.FailWith(503);
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "down");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 30).Select(_ => BillingRecords.Make(user.Id)));

        // Retried while Lago is down, nothing stored, nothing dropped.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Requests >= 3), Long), "the exporter did not retry");
        Assert.Empty(Lago.Stored);
        Assert.True(MetricValue(await MetricsAsync(gateway), "byok_billing_events_failed_total", "reason=\"failed\"") >= 30);
        Assert.Equal(30, MetricValue(await MetricsAsync(gateway), "byok_billing_events_pending"));

        Lago.Recover();

        await AssertArrivedOnceAsync(records);
    }

    [Fact]
    public async Task Export_LagoNotListeningThenBack_EveryEventArrivesOnce()
    {
        await Lago.StopAsync();
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "gone");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 10).Select(_ => BillingRecords.Make(user.Id)));
        Assert.True(await Eventually.HoldsAsync(
            async () => MetricValue(await MetricsAsync(gateway), "byok_billing_events_failed_total", "reason=\"failed\"") >= 20, Long));

        await Lago.StartAgainAsync();

        await AssertArrivedOnceAsync(records);
    }

    [Fact]
    public async Task Export_LagoHangs_RequestTimesOutAndIsRetried()
    {
        Lago.Hang();
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "hang");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 5).Select(_ => BillingRecords.Make(user.Id)));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Requests >= 2), Long), "the hung request was not given up and retried");

        Lago.Recover();

        await AssertArrivedOnceAsync(records);
    }

    [Fact]
    public async Task Export_GatewayRestartedWhileLagoDown_EventsSentOnceAfterRestart()
    {
        Lago.FailWith(502);
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "restart");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 20).Select(_ => BillingRecords.Make(user.Id)));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Requests >= 1), Long));

        await gateway.Sidecar.DisposeAsync();
        Lago.Recover();
        await using var restarted = gateway.StartReplica();

        await AssertArrivedOnceAsync(records);
    }

    [Fact]
    public async Task Export_AnswerLostAfterLagoStoredTheBatch_RetryIsNotBilledTwice()
    {
        Lago.LoseAnswers();
        await using var gateway = await StartAsync();
        var user = await gateway.Keycloak.CreateUserAsync("starter", "lost");
        var records = BillingRecords.Record(gateway.Sidecar, Enumerable.Range(0, 5).Select(_ => BillingRecords.Make(user.Id)));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Stored.Count == 5), Long));

        Lago.Recover();

        // The retry repeats transaction_ids Lago has: refused as duplicates, which the exporter
        // takes as delivered, so the outbox empties and nothing is stored twice.
        Assert.True(await Eventually.HoldsAsync(async () => MetricValue(await MetricsAsync(gateway), "byok_billing_events_pending") == 0, Long));
        Assert.NotEmpty(Lago.Duplicates);
        await AssertArrivedOnceAsync(records);
        var requests = Lago.Requests;
        BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(user.Id)]);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Stored.Count == 6), Long));
        Assert.Equal(requests + 1, Lago.Requests);
    }

    [Fact]
    public async Task Export_LagoRefusesOneUsersEvent_OthersArriveAndTheRefusedOneIsParkedThenRetried()
    {
        await using var gateway = await StartAsync(new Dictionary<string, string?> { ["Billing:Lago:RejectedRetryDelay"] = "00:00:03" });
        var good = await gateway.Keycloak.CreateUserAsync("starter", "good");
        var bad = await gateway.Keycloak.CreateUserAsync("starter", "bad");
        Lago.RefuseSubscription(bad.Id);

        var records = BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(good.Id), BillingRecords.Make(bad.Id), BillingRecords.Make(good.Id), BillingRecords.Make(good.Id)]);
        var refused = records[1];

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Stored.Count == 3), Long), $"Lago has {Lago.Stored.Count} of the 3 valid events");
        Assert.False(Lago.Stored.ContainsKey(refused.Id.ToString()));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(gateway.Sidecar.Logs.WithEventId(8405).Any()), Long));
        Assert.Contains(refused.Id.ToString(), gateway.Sidecar.Logs.AllText(), StringComparison.Ordinal);
        Assert.True(MetricValue(await MetricsAsync(gateway), "byok_billing_events_failed_total", "reason=\"rejected\"") >= 1);

        // The refused event does not block the outbox: later events go through.
        var later = BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(good.Id)]).Single();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Lago.Stored.ContainsKey(later.Id.ToString())), Long));

        // Once Lago knows the subscription, the parked event arrives on its next offer, once.
        Lago.AcceptSubscription(bad.Id);
        await AssertArrivedOnceAsync([.. records, later]);
        Assert.Empty(Lago.Violations);
    }

    [Fact]
    public async Task Export_SubscriptionAttributeSet_UsesItAndFallsBackToTheUserId()
    {
        await using var gateway = await StartAsync(new Dictionary<string, string?> { ["Billing:Lago:SubscriptionAttribute"] = "lago_subscription_id" });
        var subscribed = await gateway.Keycloak.CreateUserAsync("starter", "sub");
        await gateway.Keycloak.SetAttributesAsync(subscribed.Id, new Dictionary<string, string?> { ["lago_subscription_id"] = "sub_acme_42" });
        var plain = await gateway.Keycloak.CreateUserAsync("starter", "plain");

        var records = BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(subscribed.Id), BillingRecords.Make(plain.Id), BillingRecords.Make(subscribed.Id)]);

        await AssertArrivedOnceAsync(records);
        Assert.Equal("sub_acme_42", Lago.Stored[records[0].Id.ToString()]["external_subscription_id"]!.GetValue<string>());
        Assert.Equal(plain.Id, Lago.Stored[records[1].Id.ToString()]["external_subscription_id"]!.GetValue<string>());
        Assert.Equal("sub_acme_42", Lago.Stored[records[2].Id.ToString()]["external_subscription_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_CustomEventCode_IsSent()
    {
        await using var gateway = await StartAsync(new Dictionary<string, string?> { ["Billing:Lago:EventCode"] = "tokens_v2" });
        var user = await gateway.Keycloak.CreateUserAsync("starter", "code");

        var records = BillingRecords.Record(gateway.Sidecar, [BillingRecords.Make(user.Id)]);

        await AssertArrivedOnceAsync(records);
        Assert.Equal("tokens_v2", Lago.Stored[records[0].Id.ToString()]["code"]!.GetValue<string>());
    }

    private async Task AssertArrivedOnceAsync(IReadOnlyList<UsageRecord> records)
    {
        var ids = records.Select(r => r.Id.ToString()).ToHashSet();
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(ids.All(Lago.Stored.ContainsKey)), Long),
            $"Lago has {ids.Count(Lago.Stored.ContainsKey)} of {ids.Count} events");
        Assert.All(ids, id => Assert.Equal(1, Lago.StoredCount[id]));
        Assert.Empty(Lago.Violations);
    }

    private Task<TestGateway> StartAsync(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Billing:Lago:Url"] = Lago.Url.ToString(),
            ["Billing:Lago:ApiKey"] = RecordingLagoServer.ApiKey,
            ["Billing:Lago:PollInterval"] = "00:00:00.100",
            ["Billing:Lago:MinRetryDelay"] = "00:00:00.100",
            ["Billing:Lago:MaxRetryDelay"] = "00:00:00.500",
            ["Billing:Lago:RequestTimeout"] = "00:00:01",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return TestGateway.StartAsync(settings);
    }

    private static async Task<string> MetricsAsync(TestGateway gateway)
    {
        using var client = gateway.Sidecar.Client();
        return await client.GetStringAsync("metrics", TestContext.Current.CancellationToken);
    }

    /// <summary>The value of a Prometheus sample (with <paramref name="labels"/> inside its braces), 0 when absent.</summary>
    private static double MetricValue(string metrics, string name, string? labels = null)
    {
        foreach (var line in metrics.Split('\n'))
        {
            var prefix = labels is null ? name + " " : $"{name}{{{labels}}} ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
