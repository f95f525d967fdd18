using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Proxy;

/// <summary>The key-swapping proxy against the fake provider, with users of the emulator (or a real Keycloak).</summary>
public sealed class ProxyTests(SharedGateway shared)
{
    private const string UserKey = "sk-user-valid-openai-0001";
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Chat_ByokUser_ForwardsWithUsersKeyAndNoCallerCredentials()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var client = Stack.Sidecar.Client(token);
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        using var request = Chat("openai/v1/chat/completions?trace=on", "fake-model", content: user.Id);
        request.Headers.Add("Cookie", "session=secret-cookie");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("x-api-key", token);

        using var response = await client.SendAsync(request);

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.StartsWith("fake: ", body["choices"]![0]!["message"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal("/v1/chat/completions", upstream["path"]!.GetValue<string>());
        Assert.Contains("trace=on", upstream["query"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(UserKey, upstream["key"]!.GetValue<string>());
        Assert.Equal("Bearer " + UserKey, Header(upstream, "authorization"));
        Assert.Null(Header(upstream, "cookie"));
        Assert.Null(Header(upstream, "x-api-key"));
        Assert.Null(Header(upstream, "x-forwarded-for"));
        Assert.Null(Header(upstream, "forwarded"));
        SecretAssert.Absent(upstream.ToJsonString(), token, "the caller's token", "What the provider received");
    }

    [Theory]
    [InlineData(300)]
    [InlineData(16 * 1024)]
    [InlineData(200_000)]
    public async Task Chat_BodyWithContentLength_ReachesProviderByteForByte(int size)
    {
        // SDKs send Content-Length; small bodies leave the proxy in one write with the headers,
        // larger ones as they come. Either way the provider must see exactly what was sent.
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        var body = ChatBodyOfSize(size, "fake-model", user.Id + " ");
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(size, content.Headers.ContentLength);

        using var response = await client.PostAsync("openai/v1/chat/completions", content);

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal(body, upstream["body"]!.GetValue<string>());
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(upstream, "content-length"));
        Assert.Equal("Bearer " + UserKey, Header(upstream, "authorization"));
    }

    [Fact]
    public async Task Chat_UserWithoutKey_UsesSystemKey()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        await response.AssertOkJsonAsync();
        Assert.Equal("system", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal(TestGateway.SystemOpenAiKey, (await LastUpstreamForAsync(user))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_TierDroppedBelowStarter_FallsBackToSystemKey()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        // An administrator lowers the tier in Keycloak; the add above left no cached record behind.
        await Stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["subscription_tier"] = "free" });

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        await response.AssertOkJsonAsync();
        Assert.Equal("system", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal(TestGateway.SystemOpenAiKey, (await LastUpstreamForAsync(user))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_NoStoredKeyAndNoSystemKey_Returns403NamingProviderAndForwardsNothing()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("groq/openai/v1/chat/completions", "llama", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Groq", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("API keys", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("groq", problem["provider"]!.GetValue<string>());
        // The member the official SDKs read their error message from.
        Assert.Equal(problem["detail"]!.GetValue<string>(), problem["error"]!["message"]!.GetValue<string>());
        Assert.Equal("permission_error", problem["error"]!["type"]!.GetValue<string>());
        Assert.Equal(0, await Stack.Provider.RequestsWithBodyAsync(user.Id));
    }

    [Fact]
    public async Task Chat_CustomProviderWithoutKey_NeverUsesASystemKey()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("custom/chat/completions", "x"));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Chat_CustomProviderWithEndpoint_ForwardsToUsersEndpoint()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("custom", "custom-user-valid-0001", endpoint: new Uri(Stack.Provider.Url, "llm/v1").ToString())).AssertOkJsonAsync();

        using var response = await client.SendAsync(Chat("custom/chat/completions?x=1", "gpt-test", content: user.Id));

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal("/llm/v1/chat/completions", upstream["path"]!.GetValue<string>());
        Assert.Contains("x=1", upstream["query"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("custom-user-valid-0001", upstream["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_TokenInXApiKeyHeader_WorksLikeTheAnthropicSdk()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var api = Stack.Sidecar.Client(token);
        await (await api.AddKeyAsync("anthropic", "sk-ant-user-valid-0001")).AssertOkJsonAsync();
        using var client = Stack.Sidecar.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "anthropic/v1/messages")
        {
            Content = JsonContent.Create(new { model = "claude-test", max_tokens = 16, messages = new[] { new { role = "user", content = user.Id } } }),
        };
        request.Headers.Add("x-api-key", token);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await client.SendAsync(request);

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("message", body["type"]!.GetValue<string>());
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal("sk-ant-user-valid-0001", Header(upstream, "x-api-key"));
        Assert.Null(Header(upstream, "authorization"));
        Assert.Equal("2023-06-01", Header(upstream, "anthropic-version"));
    }

    [Fact]
    public async Task Chat_ProviderKeyInsteadOfToken_Returns401AndForwardsNothing()
    {
        using var client = Stack.Sidecar.Client(UserKey);
        var marker = Guid.NewGuid().ToString("N");

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "x", content: marker));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("authentication_error", problem["error"]!["type"]!.GetValue<string>());
        Assert.Equal(0, await Stack.Provider.RequestsWithBodyAsync(marker));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Chat_UpstreamError_IsPassedThroughUnchanged(int status)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        if (status == 401)
        {
            await (await client.AddKeyAsync("openai", "sk-revoked-key-0000000")).AssertOkJsonAsync();
        }

        using var direct = new HttpClient { BaseAddress = Stack.Provider.Url };
        direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", status == 401 ? "sk-revoked-key-0000000" : TestGateway.SystemOpenAiKey);
        var model = status == 401 ? "fake-model" : $"fake-status-{status}";
        using var expected = await direct.SendAsync(Chat("v1/chat/completions", model, content: user.Id));

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", model, content: user.Id));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(await expected.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
        if (status == 429)
        {
            Assert.Equal("1", response.Headers.GetValues("retry-after").Single());
        }
    }

    [Fact]
    public async Task Stream_GatedUpstream_FirstChunkArrivesWhileUpstreamStillSending()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var gate = "gate-" + user.Id;
        using var request = Chat("openai/v1/chat/completions", "fake-gated", stream: true, content: user.Id);
        request.Headers.Add("x-fake-gate", gate);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        // The upstream holds the rest back until the gate opens, so receiving this line proves the
        // proxy passed the first chunk on instead of buffering the response.
        var first = await ReadDataLineAsync(reader);
        Assert.Contains("\"delta\"", first, StringComparison.Ordinal);
        var upstreamBeforeGate = await LastUpstreamForAsync(user);
        Assert.False(upstreamBeforeGate["completed"]!.GetValue<bool>());

        await Stack.Provider.OpenGateAsync(gate);
        var rest = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("data: [DONE]", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_UpstreamCallIsCancelled()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var marker = "disconnect-" + user.Id;
        using (var client = Stack.Sidecar.Client(await user.TokenAsync()))
        {
            using var request = Chat("openai/v1/chat/completions", "fake-slow", stream: true, content: marker);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            await ReadDataLineAsync(reader);
        }

        // Poll until the fake provider notices; bounded by the test's own cancellation, not a time limit assertion.
        JsonObject? upstream;
        do
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            upstream = (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
                .LastOrDefault(r => r["body"]?.GetValue<string>().Contains(marker, StringComparison.Ordinal) == true);
        }
        while (upstream is null || (!upstream["aborted"]!.GetValue<bool>() && !upstream["completed"]!.GetValue<bool>()));

        Assert.True(upstream["aborted"]!.GetValue<bool>());
        Assert.False(upstream["completed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Delete_ThroughApi_NextProxiedRequestNoLongerUsesKey()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        using (var first = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id)))
        {
            Assert.Equal("byok", first.Headers.GetValues("X-Byok-Key-Source").Single());
        }

        await (await client.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();
        using var next = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        Assert.Equal("system", next.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal(TestGateway.SystemOpenAiKey, (await LastUpstreamForAsync(user))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_ThroughApi_NextProxiedRequestUsesNewKey()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        using (var warm = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id)))
        {
            Assert.Equal("system", warm.Headers.GetValues("X-Byok-Key-Source").Single());
        }

        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        using var next = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        Assert.Equal("byok", next.Headers.GetValues("X-Byok-Key-Source").Single());
    }

    [Fact]
    public async Task Chat_HundredConcurrentFirstRequests_ReadKeycloakUserOnce()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "counting Keycloak reads needs the emulator's counters");
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var readsBefore = await Stack.Keycloak.UserReadsAsync(user.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.SendAsync(Chat("openai/v1/chat/completions", $"burst-{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await Stack.Keycloak.UserReadsAsync(user.Id) - readsBefore);
    }

    [Fact]
    public async Task Chat_Proxied_LogsOneStructuredEventWithoutSecrets()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var client = Stack.Sidecar.Client(token);
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));
        await response.AssertOkJsonAsync();

        var events = Stack.Sidecar.Logs.WithEventId(3001).Where(e => e.Properties["UserId"].ToString().Contains(user.Id, StringComparison.Ordinal)).ToList();
        var logged = Assert.Single(events);
        Assert.Equal("\"openai\"", logged.Properties["Provider"].ToString());
        Assert.Equal("\"byok\"", logged.Properties["KeySource"].ToString());
        Assert.Equal("200", logged.Properties["StatusCode"].ToString());
        Assert.True(logged.Properties.ContainsKey("DurationMs"));
        Stack.Sidecar.Logs.AssertAbsent(UserKey, "the provider key");
        Stack.Sidecar.Logs.AssertAbsent(token, "the access token");
    }

    [Fact]
    public async Task Metrics_AfterProxiedCall_ExposeRequestsCacheAndKeycloakSeries()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        using (var response = await client.SendAsync(Chat("openai/v1/chat/completions", "metrics")))
        {
            await response.AssertOkJsonAsync();
        }

        var metrics = await Stack.Sidecar.Client().GetStringAsync("metrics", TestContext.Current.CancellationToken);

        Assert.Contains("byok_proxy_requests_total{provider=\"openai\",key_source=\"system\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("byok_proxy_upstream_duration_seconds_bucket{provider=\"openai\"", metrics, StringComparison.Ordinal);
        Assert.Contains("byok_cache_lookups_total{result=\"miss\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("byok_keycloak_request_duration_seconds_count{operation=\"get_user\",outcome=\"200\"}", metrics, StringComparison.Ordinal);
    }

    internal static HttpRequestMessage Chat(string path, string model, bool stream = false, string content = "hello") =>
        new(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = model,
                ["stream"] = stream,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            }),
        };

    /// <summary>A chat completion request body of exactly <paramref name="size"/> bytes, its message padded with 'x'.</summary>
    internal static string ChatBodyOfSize(int size, string model, string contentStart = "")
    {
        var prefix = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + contentStart;
        const string suffix = "\"}]}";
        return prefix + new string('x', size - prefix.Length - suffix.Length) + suffix;
    }

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

    internal static string? Header(JsonObject upstream, string name) =>
        upstream["headers"]!.AsObject().FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?[0]?.GetValue<string>();

    /// <summary>The last request the fake provider saw for this test: every test puts its user's id in the message.</summary>
    private async Task<JsonObject> LastUpstreamForAsync(TestUser user) =>
        (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(user.Id, StringComparison.Ordinal));
}
