using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Control;

public sealed class ControlApiTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    [Fact]
    public async Task Health_NoKey_Returns200()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await server.Client.GetAsync(new Uri("/_fake/health", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GatedOpenAiStream_GateOpenedAfterFirstChunk_FirstChunkArrivesBeforeRestAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions",
            json: FakeProviderServer.ChatBody("fake-gated", "one two three", stream: true, includeUsage: true));
        request.Headers.Add(FakeProviderServer.MarkerHeader, gate);
        request.Headers.Add("x-fake-gate", gate);

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var first = await reader.ReadAsync(ct);

        Assert.Equal("fake: ", first!.Json["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
        var whileGated = await server.RecordedAsync(gate, ct);
        Assert.False(whileGated!["completed"]!.GetValue<bool>());
        Assert.Equal(200, whileGated["status"]!.GetValue<int>());

        await server.OpenGateAsync(gate, ct);
        var rest = await reader.ReadToEndAsync(ct);

        Assert.Equal("[DONE]", rest[^1].Data);
        var contents = rest[..^1].Select(e => e.Json["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()).OfType<string>();
        Assert.Equal("one two three", string.Concat(contents));
        await server.WaitForRecordedAsync(gate, r => r["completed"]!.GetValue<bool>(), ct);
    }

    [Fact]
    public async Task GatedAnthropicStream_GateOpenedAfterFirstDelta_FirstDeltaArrivesBeforeRestAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/messages", keyHeader: "x-api-key",
            json: FakeProviderServer.ChatBody("fake-gated", "one two three", stream: true));
        request.Headers.Add(FakeProviderServer.MarkerHeader, gate);
        request.Headers.Add("x-fake-gate", gate);

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var beforeGate = new List<SseEvent>();
        while (beforeGate.LastOrDefault()?.Event != "content_block_delta")
        {
            beforeGate.Add((await reader.ReadAsync(ct))!);
        }

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta"], beforeGate.Select(e => e.Event));
        Assert.False((await server.RecordedAsync(gate, ct))!["completed"]!.GetValue<bool>());

        await server.OpenGateAsync(gate, ct);
        var rest = await reader.ReadToEndAsync(ct);

        Assert.Equal("message_stop", rest[^1].Event);
        var text = string.Concat(beforeGate.Concat(rest).Where(e => e.Event == "content_block_delta").Select(e => e.Json["delta"]!["text"]!.GetValue<string>()));
        Assert.Equal("fake: one two three", text);
    }

    [Fact]
    public async Task GatedNonStreaming_GateClosed_AnswersOnlyAfterGateOpens()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/messages", keyHeader: "x-api-key",
            json: FakeProviderServer.ChatBody("fake-gated", "later"));
        request.Headers.Add(FakeProviderServer.MarkerHeader, gate);
        request.Headers.Add("x-fake-gate", gate);

        var call = server.Client.SendAsync(request, ct);
        var pending = await server.WaitForRecordedAsync(gate, _ => true, ct);

        Assert.False(pending["completed"]!.GetValue<bool>());
        Assert.Equal(0, pending["status"]!.GetValue<int>());
        Assert.False(call.IsCompleted);

        await server.OpenGateAsync(gate, ct);
        using var response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("fake: later", body["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gate_OpenedBeforeRequest_GatedReplyPassesStraightThrough()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = Guid.NewGuid().ToString();
        await server.OpenGateAsync(gate, ct);
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", json: FakeProviderServer.ChatBody("fake-gated", "hi"));
        request.Headers.Add("x-fake-gate", gate);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("fake: hi", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gate_ResetAfterOpen_HoldsNextGatedStreamAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var gate = Guid.NewGuid().ToString();
        await server.OpenGateAsync(gate, ct);
        using (var reset = await server.Client.PostAsync(new Uri($"/_fake/gates/{gate}/reset", UriKind.Relative), null, ct))
        {
            Assert.True(reset.IsSuccessStatusCode);
        }

        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", json: FakeProviderServer.ChatBody("fake-gated", "hi", stream: true));
        request.Headers.Add(FakeProviderServer.MarkerHeader, gate);
        request.Headers.Add("x-fake-gate", gate);
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.NotNull(await reader.ReadAsync(ct));

        Assert.False((await server.RecordedAsync(gate, ct))!["completed"]!.GetValue<bool>());

        await server.OpenGateAsync(gate, ct);
        Assert.Equal("[DONE]", (await reader.ReadToEndAsync(ct))[^1].Data);
    }

    [Fact]
    public async Task Keys_Put_ReplacesAcceptedKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var own = await FakeProviderServer.StartAsync([], o => o.Keys.Add("sk-old-key-1"));

        string[] keys = ["sk-new-key-1", "sk-new-key-2"];

        using var put = await own.Client.PutAsJsonAsync("/_fake/keys", keys, ct);

        Assert.True(put.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(own, "sk-old-key-1", ct));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(own, "sk-new-key-1", ct));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(own, "sk-new-key-2", ct));
    }

    [Fact]
    public async Task Keys_PutWithEmptyKey_Returns400AndKeepsKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var own = await FakeProviderServer.StartAsync([], o => o.Keys.Add("sk-old-key-1"));

        string[] keys = ["sk-new-key-1", ""];

        using var put = await own.Client.PutAsJsonAsync("/_fake/keys", keys, ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(own, "sk-old-key-1", ct));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(own, "sk-new-key-1", ct));
    }

    [Fact]
    public async Task Keys_Get_IsNotProvided()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await server.Client.GetAsync(new Uri("/_fake/keys", UriKind.Relative), ct);

        Assert.False(response.IsSuccessStatusCode);
        Assert.DoesNotContain(FakeProviderServer.ValidKey, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(FakeProviderServer target, string key, CancellationToken ct)
    {
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: key);
        using var response = await target.Client.SendAsync(request, ct);
        return response.StatusCode;
    }
}
