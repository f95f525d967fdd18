using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Anthropic;

public sealed class AnthropicEndpointsTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    private static HttpRequestMessage Messages(string json)
    {
        var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/messages", keyHeader: "x-api-key", json: json);
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    [Fact]
    public async Task Messages_NonStreaming_ReturnsTextContentWithUsage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Messages(FakeProviderServer.ChatBody("claude-3-5-haiku-latest", "hi there"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.StartsWith("msg_", body["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("message", body["type"]!.GetValue<string>());
        Assert.Equal("assistant", body["role"]!.GetValue<string>());
        Assert.Equal("claude-3-5-haiku-latest", body["model"]!.GetValue<string>());
        var block = Assert.Single(body["content"]!.AsArray())!;
        Assert.Equal("text", block["type"]!.GetValue<string>());
        Assert.Equal("fake: hi there", block["text"]!.GetValue<string>());
        Assert.Equal("end_turn", body["stop_reason"]!.GetValue<string>());
        Assert.True(body["usage"]!["input_tokens"]!.GetValue<int>() > 0);
        Assert.True(body["usage"]!["output_tokens"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Messages_Streaming_SendsEventsInAnthropicOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Messages(FakeProviderServer.ChatBody("claude-3-5-haiku-latest", "hi there", stream: true));

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var names = events.Select(e => e.Event).ToList();
        var deltaCount = names.Count(n => n == "content_block_delta");
        Assert.True(deltaCount >= 3, $"expected at least 3 content_block_delta events, got {deltaCount}");
        string[] expected =
        [
            "message_start", "content_block_start", "ping",
            .. Enumerable.Repeat("content_block_delta", deltaCount),
            "content_block_stop", "message_delta", "message_stop",
        ];
        Assert.Equal(expected, names);
        Assert.All(events, e => Assert.Equal(e.Event, e.Json["type"]!.GetValue<string>()));

        var start = events[0].Json["message"]!;
        Assert.Equal("message", start["type"]!.GetValue<string>());
        Assert.Empty(start["content"]!.AsArray());
        Assert.True(start["usage"]!["input_tokens"]!.GetValue<int>() > 0);
        Assert.Equal("text", events[1].Json["content_block"]!["type"]!.GetValue<string>());

        var text = string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e =>
        {
            var delta = e.Json["delta"]!;
            Assert.Equal("text_delta", delta["type"]!.GetValue<string>());
            return delta["text"]!.GetValue<string>();
        }));
        Assert.Equal("fake: hi there", text);

        var messageDelta = events[^2].Json;
        Assert.Equal("end_turn", messageDelta["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.True(messageDelta["usage"]!["output_tokens"]!.GetValue<int>() > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_FakeStatus429_Returns429InAnthropicShapeWithRetryAfter(bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Messages(FakeProviderServer.ChatBody("fake-status-429", "hi", stream));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("retry-after")));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("rate_limit_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_FakeStatus500_Returns500ApiError()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Messages(FakeProviderServer.ChatBody("fake-status-500", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("api_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_InvalidJson_Returns400InAnthropicShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Messages("{");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
    }
}
