using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Usage;

/// <summary>
/// One usage record per proxied call, read from the fake provider's answers in every shape it
/// speaks, on provider routes and <c>/v1</c>, streamed and not. The stack also has a sink that
/// always throws, registered first: every test here passing shows that its failure reaches
/// neither the call nor the sinks after it.
/// </summary>
public sealed partial class UsageMeteringStepTests(UsageGateway gateway) : IClassFixture<UsageGateway>
{
    // "<user id> one two": 3 words in, "fake: <user id> one two" = 4 words out (the fake's tokenizer).
    private const int InputTokens = 3;
    private const int OutputTokens = 4;

    private TestGateway Stack => gateway.Stack;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChatCompletions_ByokKey_RecordsProviderUsage(bool stream)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);

        var (status, _) = await SendAsync(client, "openai/v1/chat/completions", ChatBody("fake-model", user, stream, includeUsage: stream));

        Assert.Equal(HttpStatusCode.OK, status);
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((InputTokens, OutputTokens, 0), (record.InputTokens, record.OutputTokens, record.CachedTokens));
        Assert.Equal(("openai", "fake-model", "byok", "starter", 200), (record.Provider, record.Model, record.KeySource, record.Tier, record.Status));
        Assert.Equal(7, record.Id.Version);
        Assert.NotNull(record.TimeToFirstByteMs);
        Assert.InRange(record.TimeToFirstByteMs!.Value, 0, record.DurationMs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChatCompletions_CachedPrompt_RecordsCachedTokens(bool stream)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);

        await SendAsync(client, "openai/v1/chat/completions", ChatBody("fake-model", user, stream, includeUsage: stream), fault: "cached");

        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((InputTokens, OutputTokens, 2), (record.InputTokens, record.OutputTokens, record.CachedTokens));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "cached")]
    [InlineData(true, "cached")]
    public async Task Messages_AnthropicShape_RecordsInputFromStartAndOutputFromDelta(bool stream, string? fault)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "anthropic", UsageGateway.AnthropicKey);

        var (status, body) = await SendAsync(client, "anthropic/v1/messages", ChatBody("claude-fake", user, stream), fault);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(stream ? "message_delta" : "\"usage\"", body, StringComparison.Ordinal);
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((InputTokens, OutputTokens, fault is null ? 0 : 2), (record.InputTokens, record.OutputTokens, record.CachedTokens));
        Assert.Equal(("anthropic", "claude-fake", "byok"), (record.Provider, record.Model, record.KeySource));
    }

    // The tap reads its head as soon as the head is full and gives the buffer back: a stream much
    // longer than head and tail together still counts message_start's input and keeps the model.
    [Fact]
    public async Task Messages_AnthropicStreamLongerThanHeadAndTail_RecordsInputFromStartAndOutputFromDelta()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "anthropic", UsageGateway.AnthropicKey);
        const int Words = 1_000;
        var body = ChatBody("claude-fake", user, stream: true, words: string.Join(' ', Enumerable.Repeat("word", Words)));

        var (status, answer) = await SendAsync(client, "anthropic/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(answer.Length > 4 * (UsageTap.HeadSize + UsageTap.TailSize), $"the stream was only {answer.Length} bytes");
        var record = await gateway.Records.SingleAsync(user.Id);
        // Input: the user id and the words; output: "fake: " and the echoed message.
        Assert.Equal((Words + 1, Words + 2, 0), (record.InputTokens, record.OutputTokens, record.CachedTokens));
        Assert.Equal(("anthropic", "claude-fake"), (record.Provider, record.Model));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnifiedEndpoint_Call_RecordsProviderAndModelWithoutPrefix(bool stream)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);

        var (status, _) = await SendAsync(client, "v1/chat/completions", ChatBody("openai/fake-model", user, stream, includeUsage: stream));

        Assert.Equal(HttpStatusCode.OK, status);
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal(("openai", "fake-model", InputTokens, OutputTokens), (record.Provider, record.Model, record.InputTokens, record.OutputTokens));
    }

    [Fact]
    public async Task UnifiedEndpoint_ProviderError_RecordsRequestedModelAndNoTokens()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);

        var (status, _) = await SendAsync(client, "v1/chat/completions", ChatBody("openai/fake-status-400", user, stream: false));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal(("fake-status-400", 400), (record.Model, record.Status));
        Assert.Null(record.InputTokens);
    }

    [Fact]
    public async Task Embeddings_Call_RecordsPromptTokensAndNoOutput()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);
        var body = new JsonObject { ["model"] = "fake-embedding", ["input"] = user.Id + " one two" }.ToJsonString();

        var (status, answer) = await SendAsync(client, "openai/v1/embeddings", body);

        Assert.Equal(HttpStatusCode.OK, status);
        var expected = JsonNode.Parse(answer)!["usage"]!["prompt_tokens"]!.GetValue<long>();
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((expected, 0L, "fake-embedding"), (record.InputTokens!.Value, record.OutputTokens!.Value, record.Model));
    }

    [Fact]
    public async Task ChatCompletions_SystemKeyStreamWithoutIncludeUsage_AsksProviderAndHidesTheUsageChunk()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var body = ChatBody("fake-model", user, stream: true);

        var (status, seen) = await SendAsync(client, "openai/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, status);
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal(TestGateway.SystemOpenAiKey, upstream["key"]!.GetValue<string>());
        var sent = JsonNode.Parse(upstream["body"]!.GetValue<string>())!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(JsonNode.Parse(body)!["messages"]!.ToJsonString(), sent["messages"]!.ToJsonString());

        // What the client saw is what the provider sends a client that did not ask for usage.
        var (_, direct) = await DirectAsync("v1/chat/completions", body);
        Assert.DoesNotContain("usage", seen, StringComparison.Ordinal);
        Assert.Equal(Mask(direct), Mask(seen));
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal(("system", InputTokens, OutputTokens), (record.KeySource, record.InputTokens, record.OutputTokens));
    }

    [Fact]
    public async Task ChatCompletions_ByokStreamWithoutIncludeUsage_ForwardsBodyUntouchedAndTokensUnknown()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);
        var body = ChatBody("fake-model", user, stream: true);

        var (status, _) = await SendAsync(client, "openai/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(body, (await LastUpstreamForAsync(user))["body"]!.GetValue<string>());
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Null(record.InputTokens);
        Assert.Null(record.OutputTokens);
        Assert.Equal("fake-model", record.Model);
    }

    [Theory]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", false, "malformed")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", true, "malformed")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", false, "negative")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", true, "negative")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", false, "absurd")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", true, "absurd")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", false, "missing")]
    [InlineData("openai/v1/chat/completions", "v1/chat/completions", true, "missing")]
    [InlineData("anthropic/v1/messages", "v1/messages", false, "malformed")]
    [InlineData("anthropic/v1/messages", "v1/messages", true, "malformed")]
    [InlineData("anthropic/v1/messages", "v1/messages", false, "negative")]
    [InlineData("anthropic/v1/messages", "v1/messages", true, "negative")]
    [InlineData("anthropic/v1/messages", "v1/messages", true, "absurd")]
    [InlineData("anthropic/v1/messages", "v1/messages", true, "missing")]
    public async Task Call_BadUsage_RecordsUnknownTokensAndPassesAnswerUnchanged(string path, string directPath, bool stream, string fault)
    {
        var anthropic = path.StartsWith("anthropic", StringComparison.Ordinal);
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, anthropic ? "anthropic" : "openai", anthropic ? UsageGateway.AnthropicKey : UsageGateway.OpenAiKey);
        var body = ChatBody("fake-model", user, stream, includeUsage: stream && !anthropic);

        var (status, seen) = await SendAsync(client, path, body, fault);

        Assert.Equal(HttpStatusCode.OK, status);
        var (_, direct) = await DirectAsync(directPath, body, fault, anthropic ? UsageGateway.AnthropicKey : UsageGateway.OpenAiKey);
        Assert.Equal(Mask(direct), Mask(seen));
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((null, null, null, 200), (record.InputTokens, record.OutputTokens, record.CachedTokens, record.Status));
        Assert.Equal("fake-model", record.Model);
    }

    [Theory]
    [InlineData("openai/v1/chat/completions", false)]
    [InlineData("openai/v1/chat/completions", true)]
    [InlineData("anthropic/v1/messages", false)]
    [InlineData("anthropic/v1/messages", true)]
    public async Task Call_CutOffBeforeUsage_RecordsUnknownTokens(string path, bool stream)
    {
        var anthropic = path.StartsWith("anthropic", StringComparison.Ordinal);
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, anthropic ? "anthropic" : "openai", anthropic ? UsageGateway.AnthropicKey : UsageGateway.OpenAiKey);
        using var request = Request(path, ChatBody("fake-model", user, stream, includeUsage: stream), "cutoff");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        try
        {
            await response.Content.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException)
        {
            // the answer had started: the gateway passes the broken connection on
        }

        // The provider dropped the connection (a reset, so what it had sent may never have been
        // read): the client gets a 502, or the start of the answer when it already had begun.
        var record = await gateway.Records.SingleAsync(user.Id);
        Assert.Equal((int)response.StatusCode, record.Status);
        Assert.Null(record.InputTokens);
        Assert.Null(record.OutputTokens);
    }

    [Fact]
    public async Task Call_ClientAcceptsGzip_ProviderIsAskedForIdentity()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);
        using var request = Request("openai/v1/chat/completions", ChatBody("fake-model", user, stream: false), null);
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await LastUpstreamForAsync(user))["headers"]!.AsObject();
        Assert.DoesNotContain(headers, h => h.Key.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(InputTokens, (await gateway.Records.SingleAsync(user.Id)).InputTokens);
    }

    [Fact]
    public async Task Metrics_AfterCalls_CountTokensByProviderModelKeySourceTierWithoutUsers()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = await ClientWithKeyAsync(user, "openai", UsageGateway.OpenAiKey);
        await SendAsync(client, "openai/v1/chat/completions", ChatBody("metrics-model", user, stream: false));
        await SendAsync(client, "openai/v1/chat/completions", ChatBody("metrics-model", user, stream: false), "missing");
        Assert.Equal(2, (await gateway.Records.WaitForAsync(user.Id, 2)).Count);

        var metrics = await Stack.Sidecar.Client().GetStringAsync("metrics", TestContext.Current.CancellationToken);

        const string labels = "{provider=\"openai\",model=\"metrics-model\",key_source=\"byok\",tier=\"starter\"}";
        Assert.Contains($"byok_usage_input_tokens_total{labels} {InputTokens}", metrics, StringComparison.Ordinal);
        Assert.Contains($"byok_usage_output_tokens_total{labels} {OutputTokens}", metrics, StringComparison.Ordinal);
        Assert.Contains($"byok_usage_cached_tokens_total{labels} 0", metrics, StringComparison.Ordinal);
        Assert.Matches("byok_usage_unknown_total\\{provider=\"openai\",key_source=\"byok\"\\} [1-9]", metrics);
        Assert.DoesNotContain(user.Id, metrics, StringComparison.Ordinal);
    }

    // The user's message: their id, then the words (the fake echoes it and counts words as tokens).
    internal static string ChatBody(string model, TestUser user, bool stream, bool includeUsage = false, string words = "one two")
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 64,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = user.Id + " " + words }),
        };
        if (stream)
        {
            body["stream"] = true;
        }

        if (includeUsage)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body.ToJsonString();
    }

    /// <summary>Ids and timestamps differ per answer; everything else must match byte for byte.</summary>
    internal static string Mask(string answer) => Created().Replace(Ids().Replace(answer, "\"id\":\"_\""), "\"created\":0");

    private async Task<HttpClient> ClientWithKeyAsync(TestUser user, string provider, string key)
    {
        var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync(provider, key)).AssertOkJsonAsync();
        return client;
    }

    private static HttpRequestMessage Request(string path, string body, string? fault)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (fault is not null)
        {
            request.Headers.Add("x-fake-usage", fault);
        }

        return request;
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string path, string body, string? fault = null)
    {
        using var request = Request(path, body, fault);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // The same call straight to the fake provider, without the gateway.
    private async Task<(HttpStatusCode Status, string Body)> DirectAsync(string path, string body, string? fault = null, string key = UsageGateway.OpenAiKey)
    {
        using var client = new HttpClient { BaseAddress = Stack.Provider.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await SendAsync(client, path, body, fault);
    }

    private async Task<JsonObject> LastUpstreamForAsync(TestUser user) =>
        (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(user.Id, StringComparison.Ordinal));

    [GeneratedRegex("\"id\":\"[^\"]*\"")]
    private static partial Regex Ids();

    [GeneratedRegex("\"created\":[0-9]+")]
    private static partial Regex Created();
}
