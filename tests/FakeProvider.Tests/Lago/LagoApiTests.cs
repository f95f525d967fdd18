using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Lago;

/// <summary>The Lago stand-in: Lago's events batch API as the gateway uses it, and the development listing.</summary>
public sealed class LagoApiTests : IAsyncLifetime
{
    private const string LagoKey = "lago-key-for-tests-0123456789";

    private FakeProviderServer? _server;

    private FakeProviderServer Server => _server!;

    public async ValueTask InitializeAsync() =>
        _server = await FakeProviderServer.StartAsync([], o =>
        {
            o.Keys.Add(FakeProviderServer.ValidKey);
            o.LagoApiKey = LagoKey;
        });

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task Batch_ValidEvents_AnswersThemAndListsEachOnce()
    {
        var first = Event("tx-1", input: 12);
        var second = Event("tx-2", input: 7);

        using var response = await PostAsync(Batch(first, second));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(["tx-1", "tx-2"], answered["events"]!.AsArray().Select(e => e!["transaction_id"]!.GetValue<string>()));
        var listing = await ListingAsync();
        Assert.Equal(2, listing["count"]!.GetValue<int>());
        Assert.Equal(0, listing["repeats"]!.GetValue<int>());
        var stored = listing["events"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(first, stored[0]), stored[0]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(second, stored[1]), stored[1]!.ToJsonString());
    }

    [Fact]
    public async Task Batch_TransactionIdAlreadyStored_Returns422ValueAlreadyExistStoresNothingCountsRepeat()
    {
        using (var stored = await PostAsync(Batch(Event("tx-1"))))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using var response = await PostAsync(Batch(Event("tx-new"), Event("tx-1")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("validation_errors", body["code"]!.GetValue<string>());
        Assert.Equal("value_already_exist", body["error_details"]!["1"]!["transaction_id"]![0]!.GetValue<string>());
        Assert.Null(body["error_details"]!["0"]);
        var listing = await ListingAsync();
        Assert.Equal(["tx-1"], listing["events"]!.AsArray().Select(e => e!["transaction_id"]!.GetValue<string>()));
        Assert.Equal(1, listing["repeats"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("Bearer wrong-lago-key")]
    [InlineData("Bearer " + FakeProviderServer.ValidKey)]
    [InlineData(LagoKey)]
    [InlineData(null)]
    public async Task Batch_NotTheLagoKey_Returns401StoresNothing(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/lago/api/v1/events/batch")
        {
            Content = new StringContent(Batch(Event("tx-1")).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["code"]!.GetValue<string>());
        Assert.Equal(0, (await ListingAsync())["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_NoLagoKeyConfigured_Returns401()
    {
        await using var server = await FakeProviderServer.StartAsync([], o => o.Keys.Add(FakeProviderServer.ValidKey));
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/lago/api/v1/events/batch", key: "", json: Batch(Event("tx-1")).ToJsonString());

        using var response = await server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("transaction_id", null, "value_is_mandatory")]
    [InlineData("transaction_id", "42", "invalid_format")]
    [InlineData("external_subscription_id", "\"\"", "invalid_format")]
    [InlineData("code", null, "value_is_mandatory")]
    [InlineData("timestamp", "\"1764636600\"", "invalid_format")]
    [InlineData("timestamp", "1764636600000", "invalid_format")]
    [InlineData("timestamp", "1764636600.5", "invalid_format")]
    [InlineData("properties", "{\"usage\":{\"input_tokens\":1}}", "invalid_format")]
    [InlineData("properties", null, "value_is_mandatory")]
    [InlineData("external_customer", "\"c-1\"", "unknown_field")]
    public async Task Batch_InvalidEvent_Returns422WithErrorAtItsIndexStoresNothing(string field, string? json, string error)
    {
        var bad = Event("tx-bad");
        bad.Remove(field);
        if (json is not null)
        {
            bad[field] = JsonNode.Parse(json);
        }

        using var response = await PostAsync(Batch(Event("tx-good"), bad));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("validation_errors", body["code"]!.GetValue<string>());
        Assert.Equal(error, body["error_details"]!["1"]![field]![0]!.GetValue<string>());
        Assert.Null(body["error_details"]!["0"]);
        Assert.Equal(0, (await ListingAsync())["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(0, "no_events")]
    [InlineData(101, "too_many_events")]
    public async Task Batch_EventCountOutsideOneTo100_Returns422(int count, string error)
    {
        using var response = await PostAsync(Batch([.. Enumerable.Range(0, count).Select(i => Event("tx-" + i))]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(error, body["error_details"]!["events"]![0]!.GetValue<string>());
        Assert.Equal(0, (await ListingAsync())["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_Exactly100Events_StoresAll()
    {
        using var response = await PostAsync(Batch([.. Enumerable.Range(0, 100).Select(i => Event("tx-" + i))]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, (await ListingAsync())["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"event\":{}}")]
    [InlineData("{\"events\":[],\"extra\":1}")]
    [InlineData("[]")]
    public async Task Batch_BodyNotEventsObject_Returns422(string json)
    {
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/lago/api/v1/events/batch", key: LagoKey, json: json);

        using var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Batch_NotJson_Returns400StoresNothing()
    {
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/lago/api/v1/events/batch", key: LagoKey);
        request.Content = new StringContent("{\"events\":[", Encoding.UTF8, "application/json");

        using var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await ListingAsync())["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_Valid_IsNotAProviderRequest()
    {
        using var response = await PostAsync(Batch(Event("tx-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await Server.RequestsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownLagoPath_Returns404()
    {
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/lago/api/v1/events", key: LagoKey, json: Batch(Event("tx-1")).ToJsonString());

        using var response = await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, (await ListingAsync())["count"]!.GetValue<int>());
    }

    private static JsonObject Event(string transactionId, long input = 12) => new()
    {
        ["transaction_id"] = transactionId,
        ["external_subscription_id"] = "sub-1",
        ["code"] = "llm_usage",
        ["timestamp"] = 1_764_636_600,
        ["properties"] = new JsonObject { ["input_tokens"] = input, ["model"] = "gpt-5.4-mini" },
    };

    private static JsonObject Batch(params JsonObject[] events) => new() { ["events"] = new JsonArray(events) };

    private async Task<HttpResponseMessage> PostAsync(JsonObject batch)
    {
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/lago/api/v1/events/batch", key: LagoKey, json: batch.ToJsonString());
        return await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<JsonNode> ListingAsync()
    {
        using var response = await Server.Client.GetAsync(new Uri("/lago/events", UriKind.Relative), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
    }
}
