using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.OpenAi;

public sealed class OpenAiEndpointsTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    [Fact]
    public async Task ChatCompletions_NonStreaming_ReturnsEchoReplyWithUsage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("gpt-4o-mini", "hello there"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.StartsWith("chatcmpl-", body["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.True(body["created"]!.GetValue<long>() > 0);
        Assert.Equal("gpt-4o-mini", body["model"]!.GetValue<string>());
        var choice = body["choices"]![0]!;
        Assert.Equal(0, choice["index"]!.GetValue<int>());
        Assert.Equal("assistant", choice["message"]!["role"]!.GetValue<string>());
        Assert.Equal("fake: hello there", choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
        var usage = body["usage"]!;
        var prompt = usage["prompt_tokens"]!.GetValue<int>();
        var completion = usage["completion_tokens"]!.GetValue<int>();
        Assert.True(prompt > 0);
        Assert.True(completion > 0);
        Assert.Equal(prompt + completion, usage["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithIncludeUsage_SendsContentChunksUsageChunkThenDone()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("gpt-4o-mini", "hello there", stream: true, includeUsage: true));

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.All(events, e => Assert.Null(e.Event));
        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = events[..^1].Select(e => e.Json).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        Assert.Single(chunks.Select(c => c["id"]!.GetValue<string>()).Distinct());

        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk["choices"]!.AsArray());
        var usage = usageChunk["usage"]!;
        Assert.Equal(usage["prompt_tokens"]!.GetValue<int>() + usage["completion_tokens"]!.GetValue<int>(), usage["total_tokens"]!.GetValue<int>());
        Assert.True(usage["completion_tokens"]!.GetValue<int>() > 0);

        var deltas = chunks[..^1];
        Assert.All(deltas, c => Assert.Null(c["usage"]));
        Assert.Equal("assistant", deltas[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        var contents = deltas.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.True(contents.Count >= 3, $"expected at least 3 content chunks, got {contents.Count}");
        Assert.Equal("fake: hello there", string.Concat(contents));
        Assert.Equal("stop", deltas[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithoutIncludeUsage_SendsNoUsage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("gpt-4o-mini", "hi", stream: true));

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = events[..^1].Select(e => e.Json).ToList();
        Assert.All(chunks, c => Assert.False(c.ContainsKey("usage")));
        Assert.All(chunks, c => Assert.Single(c["choices"]!.AsArray()));
    }

    [Fact]
    public async Task ChatCompletions_ContentPartsAndHistory_EchoesLastUserText()
    {
        var ct = TestContext.Current.CancellationToken;
        const string json = """
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":"first question"},
              {"role":"assistant","content":"an answer"},
              {"role":"user","content":[{"type":"text","text":"second"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"question"}]}
            ]}
            """;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", json: json);

        using var response = await server.Client.SendAsync(request, ct);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("fake: second question", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_FakeSlowStream_Sends50ContentChunks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("fake-slow", "hi", stream: true));

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal("[DONE]", events[^1].Data);
        var contents = events[..^1].Select(e => e.Json["choices"]![0]!["delta"]!["content"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.Equal(50, contents.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChatCompletions_FakeStatus429_Returns429RateLimitErrorWithRetryAfter(bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("fake-status-429", "hi", stream));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("retry-after")));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("rate_limit_error", error["type"]!.GetValue<string>());
        Assert.Contains("429", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_FakeStatus500_Returns500ServerErrorWithoutRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("fake-status-500", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("retry-after"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"model":"m"}""")]
    public async Task ChatCompletions_InvalidBody_Returns400InvalidRequestError(string json)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", json: json);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
    }
}
