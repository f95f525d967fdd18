using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Unified;

/// <summary>
/// <c>POST /v1/...</c> against the fake provider: which provider, path, key and model name each
/// call reached, and that the body arrived byte for byte with only <c>model</c> changed.
/// </summary>
[Collection(UnifiedGatewayGroup.Name)]
public sealed class UnifiedRoutingStepTests(UnifiedGateway gateway)
{
    private TestGateway Stack => gateway.Stack;

    [Theory]
    [InlineData("openai", UnifiedGateway.OpenAiKey, "/v1/chat/completions", "authorization", "Bearer " + UnifiedGateway.OpenAiKey)]
    [InlineData("anthropic", UnifiedGateway.AnthropicKey, "/v1/chat/completions", "x-api-key", UnifiedGateway.AnthropicKey)]
    [InlineData("groq", UnifiedGateway.GroqKey, "/openai/v1/chat/completions", "authorization", "Bearer " + UnifiedGateway.GroqKey)]
    [InlineData("gemini", UnifiedGateway.GeminiKey, "/v1beta/openai/chat/completions", "x-goog-api-key", UnifiedGateway.GeminiKey)]
    [InlineData("deepseek", UnifiedGateway.DeepSeekKey, "/chat/completions", "authorization", "Bearer " + UnifiedGateway.DeepSeekKey)]
    public async Task Chat_PrefixedModel_ReachesTheProvidersCompatiblePathWithItsKeyAndOwnModelName(string provider, string key, string path, string authHeader, string authValue)
    {
        var (user, client) = await gateway.UserWithKeysAsync((provider, key));
        var token = await user.TokenAsync();
        var body = $"{{\"model\":\"{provider}/some-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        var answer = await response.AssertOkJsonAsync();
        Assert.Equal(provider, response.Headers.GetValues("X-Byok-Provider").Single());
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal("some-model", answer["model"]!.GetValue<string>());
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(path, upstream["path"]!.GetValue<string>());
        Assert.Equal(key, upstream["key"]!.GetValue<string>());
        Assert.Equal(authValue, Header(upstream, authHeader));
        Assert.Equal(body.Replace(provider + "/", "", StringComparison.Ordinal), upstream["body"]!.GetValue<string>());
        SecretAssert.Absent(upstream.ToJsonString(), token, "the caller's token", "What the provider received");
    }

    [Fact]
    public async Task Chat_OddlyFormattedBody_ArrivesByteForByteWithOnlyTheModelPrefixCut()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        // Whitespace, escapes, non-ASCII text, numbers as written, members after model: all kept.
        var body = "{ \"temperature\" : 0.50,\n\t\"model\"  :  \"groq/llama-3.3-70b-versatile\" ,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9llo \\\"x\\\" \u00fc " + user.Id + "\"}], \"n\":1e0 }";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        var expected = body.Replace("groq/llama", "llama", StringComparison.Ordinal);
        Assert.Equal(expected, upstream["body"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetByteCount(expected).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(upstream, "content-length"));
    }

    [Fact]
    public async Task Chat_PrefixWrittenWithEscapes_ModelIsReencodedAndTheRestKept()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var rest = ",\"messages\":[{\"role\":\"user\",\"content\":\"" + user.Id + "\"}]}";
        var body = "{\"model\":\"groq\\/llama\\u002dx\"" + rest;

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal("{\"model\":\"llama-x\"" + rest, upstream["body"]!.GetValue<string>());
        Assert.Equal("/openai/v1/chat/completions", upstream["path"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("v1/completions", "/openai/v1/completions", "{\"model\":\"groq/text-x\",\"prompt\":\"MARK\"}")]
    [InlineData("v1/embeddings", "/openai/v1/embeddings", "{\"model\":\"groq/embed-x\",\"input\":[\"MARK\"]}")]
    public async Task CompletionsAndEmbeddings_PrefixedModel_ReachTheSameCallOfTheProvider(string path, string upstreamPath, string template)
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var body = template.Replace("MARK", user.Id, StringComparison.Ordinal);

        using var response = await client.PostAsync(path, Json(body), TestContext.Current.CancellationToken);

        var answer = await response.AssertOkJsonAsync();
        Assert.EndsWith("-x", answer["model"]!.GetValue<string>(), StringComparison.Ordinal);
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(upstreamPath, upstream["path"]!.GetValue<string>());
        Assert.Equal(body.Replace("groq/", "", StringComparison.Ordinal), upstream["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_UnprefixedModelMatchingARule_GoesToTheRulesProviderUnchanged()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("openai", UnifiedGateway.OpenAiKey));
        var body = $"{{\"model\":\"gpt-4o-mini\",\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("openai", response.Headers.GetValues("X-Byok-Provider").Single());
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(body, upstream["body"]!.GetValue<string>());
        Assert.Equal(UnifiedGateway.OpenAiKey, upstream["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_SystemKeyProvider_UsesTheSystemKeyAsTheProviderRouteDoes()
    {
        var (user, client) = await gateway.UserWithKeysAsync();
        var body = $"{{\"model\":\"anthropic/claude-x\",\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("system", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal(TestGateway.SystemAnthropicKey, (await gateway.LastUpstreamAsync(user.Id))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ModelNestedBeforeTheTopLevelOne_OnlyTheTopLevelMemberCounts()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        // "model" inside metadata and inside a message, and the text "model": in a string, all before the real one.
        var body = "{\"metadata\":{\"model\":\"openai/gpt-4o\"},\"messages\":[{\"role\":\"user\",\"model\":\"x/y\",\"content\":\"\\\"model\\\":\\\"a/b\\\" "
            + user.Id + "\"}],\"model\":\"groq/llama\"}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("groq", response.Headers.GetValues("X-Byok-Provider").Single());
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(body.Replace("\"model\":\"groq/llama\"", "\"model\":\"llama\"", StringComparison.Ordinal), upstream["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_TwoTopLevelModels_TheFirstDecidesAndTheSecondIsForwardedAsWritten()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var body = "{\"model\":\"groq/first\",\"messages\":[{\"role\":\"user\",\"content\":\"" + user.Id + "\"}],\"model\":\"openai/second\"}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal("groq", response.Headers.GetValues("X-Byok-Provider").Single());
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(body.Replace("groq/first", "first", StringComparison.Ordinal), upstream["body"]!.GetValue<string>());
        Assert.Equal(UnifiedGateway.GroqKey, upstream["key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_TwentyMegabyteBody_ArrivesWholeWhereverTheModelIs(bool modelAtEnd)
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var image = new string('A', 20 * 1024 * 1024);
        var messages = "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + user.Id
            + "\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + image + "\"}}]}]";
        var body = modelAtEnd ? "{" + messages + ",\"model\":\"groq/vision\"}" : "{\"model\":\"groq/vision\"," + messages + "}";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.True(body.Replace("groq/vision", "vision", StringComparison.Ordinal) == upstream["body"]!.GetValue<string>(), "the provider must receive the body with only the model prefix cut");
        // What the gateway held to find the model: the whole body when model comes last, one
        // segment when it comes first (the rest streamed through as it arrived).
        var read = Stack.Sidecar.Logs.WithEventId(7002)
            .Where(e => e.Properties["UserId"].ToString().Contains(user.Id, StringComparison.Ordinal))
            .Select(e => long.Parse(e.Properties["BytesRead"].ToString(), System.Globalization.CultureInfo.InvariantCulture))
            .Single();
        if (modelAtEnd)
        {
            Assert.InRange(read, body.Length, body.Length + 1);
        }
        else
        {
            Assert.InRange(read, 1, 16 * 1024);
        }
    }

    [Fact]
    public async Task Chat_ModelBeyondTheSearchLimit_Returns413AndForwardsNothing()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', UnifiedGateway.MaxModelSearchBytes) + "\"}],\"model\":\"groq/x\"}";
        var before = await gateway.UpstreamCountAsync();

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("\"model\" must appear within the first 24 MiB", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("request_too_large", problem["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, await gateway.UpstreamCountAsync());
    }

    [Fact]
    public async Task Stream_GatedUpstream_FirstChunkArrivesWhileUpstreamStillSending()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var gate = "gate-" + user.Id;
        var body = $"{{\"model\":\"groq/fake-gated\",\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(body) };
        request.Headers.Add("x-fake-gate", gate);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        var first = await ReadDataLineAsync(reader);
        Assert.Contains("\"delta\"", first, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"fake-gated\"", first, StringComparison.Ordinal);
        Assert.False((await gateway.LastUpstreamAsync(user.Id))["completed"]!.GetValue<bool>());

        await Stack.Provider.OpenGateAsync(gate);
        var rest = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("data: [DONE]", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_UpstreamCallIsCancelled()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var body = $"{{\"model\":\"groq/fake-slow\",\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}";
        using (client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(body) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            await ReadDataLineAsync(reader);
        }

        // Poll until the fake provider notices; bounded by the test's own cancellation, not a time limit assertion.
        JsonObject upstream;
        do
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            upstream = await gateway.LastUpstreamAsync(user.Id);
        }
        while (!upstream["aborted"]!.GetValue<bool>() && !upstream["completed"]!.GetValue<bool>());

        Assert.True(upstream["aborted"]!.GetValue<bool>());
        Assert.False(upstream["completed"]!.GetValue<bool>());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string? Header(JsonObject upstream, string name) => Proxy.ProxyTests.Header(upstream, name);

    private static async Task<string> ReadDataLineAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException("The stream ended before any data line.");
    }
}
