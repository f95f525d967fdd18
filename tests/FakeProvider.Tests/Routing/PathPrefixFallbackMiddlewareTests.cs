using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Routing;

public sealed class PathPrefixFallbackMiddlewareTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    [Theory]
    [InlineData("/llm/v1/chat/completions")]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/a/b/c/v1/chat/completions")]
    public async Task ChatCompletions_UnderPrefix_IsHandledAndRecordedAsSent(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, path, json: FakeProviderServer.ChatBody("m", "prefixed"));
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.Equal("fake: prefixed", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var recorded = await server.RecordedAsync(marker, ct);
        Assert.Equal(path, recorded!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_UnderPrefix_IsHandledInAnthropicShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/anthropic/v1/messages", keyHeader: "x-api-key",
            json: FakeProviderServer.ChatBody("m", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("message", body["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownPath_ValidKey_Returns404InProviderShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/llm/v2/nothing-here");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Contains("/llm/v2/nothing-here", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
