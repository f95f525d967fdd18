using ByokGateway.Billing;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Billing;

/// <summary>The Lago client against the recording Lago server: what Lago's answers mean to the exporter.</summary>
public sealed class LagoClientTests : IAsyncLifetime
{
    private RecordingLagoServer? _lago;

    private RecordingLagoServer Lago => _lago!;

    public async ValueTask InitializeAsync() => _lago = await RecordingLagoServer.StartAsync();

    public async ValueTask DisposeAsync() => await Lago.DisposeAsync();

    [Fact]
    public async Task Send_ValidBatch_AcceptedAndStoredAsDocumented()
    {
        var events = Enumerable.Range(0, 100).Select(i => Event("sub-" + (i % 3))).ToList();

        var result = await Client().SendAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Accepted, result.Outcome);
        Assert.Empty(Lago.Violations);
        Assert.Equal(100, Lago.Stored.Count);
        var stored = Lago.Stored[events[5].TransactionId];
        Assert.Equal("sub-2", stored["external_subscription_id"]!.GetValue<string>());
        Assert.Equal("llm_usage", stored["code"]!.GetValue<string>());
        Assert.Equal(1_764_636_600, stored["timestamp"]!.GetValue<long>());
        Assert.Equal(12, stored["properties"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal("gpt-5.4-mini", stored["properties"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_TransactionIdLagoHas_IsDuplicate()
    {
        var first = Event("sub");
        await Client().SendAsync([first], TestContext.Current.CancellationToken);

        var again = await Client().SendAsync([first], TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Duplicate, again.Outcome);
        Assert.Equal(1, Lago.StoredCount[first.TransactionId]);
    }

    [Fact]
    public async Task Send_RefusedSubscription_IsRejectedWithLagoCode()
    {
        Lago.RefuseSubscription("gone");

        var result = await Client().SendAsync([Event("sub"), Event("gone")], TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Rejected, result.Outcome);
        Assert.Equal("HTTP 422 validation_errors", result.Reason);
        Assert.Empty(Lago.Stored);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(401)]
    public async Task Send_LagoFailing_IsFailedWithStatus(int status)
    {
        Lago.FailWith(status);

        var result = await Client().SendAsync([Event("sub")], TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Failed, result.Outcome);
        Assert.Equal($"HTTP {status}", result.Reason);
    }

    [Fact]
    public async Task Send_LagoHangs_FailsWithTimeout()
    {
        Lago.Hang();

        var result = await Client(TimeSpan.FromMilliseconds(500)).SendAsync([Event("sub")], TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Failed, result.Outcome);
        Assert.Equal("timeout", result.Reason);
        Assert.Empty(Lago.Stored);
    }

    [Fact]
    public async Task Send_LagoNotListening_Fails()
    {
        await Lago.StopAsync();

        var result = await Client().SendAsync([Event("sub")], TestContext.Current.CancellationToken);

        Assert.Equal(LagoSendOutcome.Failed, result.Outcome);
        Assert.Equal("ConnectionError", result.Reason);
    }

    [Theory]
    [InlineData("{\"status\":422,\"code\":\"validation_errors\",\"error_details\":{\"transaction_id\":[\"value_already_exist\"]}}", true)]
    [InlineData("{\"status\":422,\"code\":\"validation_errors\",\"error_details\":{\"0\":{\"transaction_id\":[\"value_is_missing_or_already_exists\"]},\"3\":{\"transaction_id\":[\"value_already_exist\"]}}}", true)]
    [InlineData("{\"status\":422,\"code\":\"validation_errors\",\"error_details\":{\"0\":{\"transaction_id\":[\"value_already_exist\"]},\"1\":{\"timestamp\":[\"invalid_format\"]}}}", false)]
    [InlineData("{\"status\":422,\"code\":\"validation_errors\",\"error_details\":{\"events\":[\"too_many_events\"]}}", false)]
    [InlineData("{\"status\":422,\"code\":\"validation_errors\",\"error_details\":{}}", false)]
    [InlineData("not json", false)]
    public void OnlyDuplicateTransactionIds_LagoErrorBodies(string body, bool expected) =>
        Assert.Equal(expected, LagoClient.OnlyDuplicateTransactionIds(body));

    private LagoClient Client(TimeSpan? timeout = null) =>
        new(
            new HttpClient { BaseAddress = Lago.Url, Timeout = timeout ?? TimeSpan.FromSeconds(30) },
            Options.Create(new LagoOptions { Url = Lago.Url, ApiKey = RecordingLagoServer.ApiKey }));

    private static LagoEvent Event(string subscription) => new(
        Guid.CreateVersion7().ToString(),
        subscription,
        "llm_usage",
        1_764_636_600,
        new Dictionary<string, object> { ["input_tokens"] = 12L, ["output_tokens"] = 34L, ["model"] = "gpt-5.4-mini", ["provider"] = "openai", ["key_source"] = "system", ["status"] = 200 });
}
