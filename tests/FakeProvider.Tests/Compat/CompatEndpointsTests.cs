using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Compat;

/// <summary>The OpenAI-compatible mounts: each answers under its provider's path and says which mount it is.</summary>
public sealed class CompatEndpointsTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    public static readonly TheoryData<string, string> Mounts = new()
    {
        { "/v1", "openai" },
        { "/openai/v1", "groq" },
        { "/v1beta/openai", "gemini" },
        { "/api/v1", "openrouter" },
        { "/compatibility/v1", "cohere" },
        { "", "root" },
    };

    [Theory]
    [MemberData(nameof(Mounts))]
    public async Task ChatCompletions_OnEachMount_NamesTheMountAndEchoesTheModel(string mount, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = "chat-" + name;
        using var request = FakeProviderServer.Request(HttpMethod.Post, mount + "/chat/completions", json: FakeProviderServer.ChatBody("llama-x", "hi " + name));
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(name, response.Headers.GetValues("x-fake-mount").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("llama-x", body["model"]!.GetValue<string>());
        Assert.Equal("fake-" + name, body["system_fingerprint"]!.GetValue<string>());
        Assert.Equal("fake: hi " + name, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var recorded = await server.RecordedAsync(marker, ct);
        Assert.Equal(mount + "/chat/completions", recorded!["path"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Mounts))]
    public async Task Models_OnEachMount_ListsTheMountsOwnModelFirst(string mount, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, mount + "/models");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var ids = body["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(name + "-model", ids[0]);
        Assert.Contains("fake-model", ids);
        Assert.Equal(name, response.Headers.GetValues("x-fake-mount").Single());
    }

    [Fact]
    public async Task Models_V1WithAnthropicVersion_ListsAnthropicsModelInAnthropicsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", keyHeader: "x-api-key");
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await server.Client.SendAsync(request, ct);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("anthropic-model", body["data"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("model", body["data"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("anthropic", response.Headers.GetValues("x-fake-mount").Single());
    }

    [Fact]
    public async Task ChatCompletions_UnderACustomPrefix_IsServedByTheRootMount()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/my-llm/chat/completions", json: FakeProviderServer.ChatBody("m", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("root", response.Headers.GetValues("x-fake-mount").Single());
    }

    [Fact]
    public async Task Embeddings_FloatAndBase64_CarryTheSameDeterministicVectors()
    {
        var floats = await EmbedAsync("float");
        var base64 = await EmbedAsync("base64");
        var again = await EmbedAsync("float");

        Assert.Equal(2, floats.Count);
        Assert.Equal(8, floats[0].Length);
        Assert.Equal(floats, base64);
        Assert.Equal(floats, again);
        Assert.NotEqual(floats[0], floats[1]);
    }

    [Fact]
    public async Task Completions_NotStreaming_EchoesThePrompt()
    {
        var ct = TestContext.Current.CancellationToken;
        var json = new JsonObject { ["model"] = "text-x", ["prompt"] = "say this" }.ToJsonString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/api/v1/completions", json: json);

        using var response = await server.Client.SendAsync(request, ct);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("text_completion", body["object"]!.GetValue<string>());
        Assert.Equal("fake: say this", body["choices"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("stop", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal("fake-openrouter", body["system_fingerprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Completions_Streaming_SendsPiecesThenDone()
    {
        var ct = TestContext.Current.CancellationToken;
        var json = new JsonObject { ["model"] = "text-x", ["prompt"] = "one two three", ["stream"] = true }.ToJsonString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/completions", json: json);

        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        var events = await reader.ReadToEndAsync(ct);

        Assert.Equal("[DONE]", events[^1].Data);
        var texts = events[..^1].Select(e => e.Json["choices"]![0]!["text"]!.GetValue<string>()).ToList();
        Assert.True(texts.Count >= 3);
        Assert.Equal("fake: one two three", string.Concat(texts));
    }

    [Fact]
    public async Task Embeddings_WithoutInput_Returns400InOpenAisShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/embeddings", json: "{\"model\":\"e\"}");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
    }

    private async Task<List<float[]>> EmbedAsync(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        var json = new JsonObject { ["model"] = "embed-x", ["input"] = new JsonArray("alpha", "beta"), ["encoding_format"] = format }.ToJsonString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/openai/v1/embeddings", json: json);
        using var response = await server.Client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("list", body["object"]!.GetValue<string>());
        Assert.Equal("embed-x", body["model"]!.GetValue<string>());
        Assert.True(body["usage"]!["prompt_tokens"]!.GetValue<int>() > 0);
        return [.. body["data"]!.AsArray().Select(d => format == "base64"
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(d!["embedding"]!.GetValue<string>())).ToArray()
            : d!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray())];
    }
}
