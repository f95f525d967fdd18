using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Proxy;

/// <summary>
/// Which of the caller's headers reach the provider, as the fake provider recorded them: what
/// official SDKs send does, the caller's credentials, cookies and address (in any of the headers
/// proxies and CDNs put it in) do not.
/// </summary>
public sealed class KeySwapTransformTests(SharedGateway shared)
{
    /// <summary>Keys for the providers without a system key in the test stack (the fake records the call whether it accepts the key or not).</summary>
    private static readonly Dictionary<string, string> UserKeys = new()
    {
        ["gemini"] = "gemini-user-key-0001",
        ["cohere"] = "cohere-user-key-0001",
        ["huggingface"] = "hf_user_key_0001",
        ["openrouter"] = "sk-or-user-key-0001",
    };

    [Theory]
    // The address headers of proxies and CDNs, and the standard ones.
    [InlineData("True-Client-IP", "203.0.113.9")]
    [InlineData("X-Client-IP", "203.0.113.9")]
    [InlineData("X-Original-Forwarded-For", "203.0.113.9")]
    [InlineData("CF-Connecting-IP", "203.0.113.9")]
    [InlineData("Fastly-Client-IP", "203.0.113.9")]
    [InlineData("X-Cluster-Client-IP", "203.0.113.9")]
    [InlineData("Via", "1.1 edge.example.net")]
    [InlineData("X-Forwarded-For", "203.0.113.9")]
    [InlineData("X-Forwarded-Host", "gateway.example.org")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Real-IP", "203.0.113.9")]
    [InlineData("Forwarded", "for=203.0.113.9;proto=https")]
    // Ones no list of address headers names today: an allowlist keeps them home too.
    [InlineData("CloudFront-Viewer-Address", "203.0.113.9:46532")]
    [InlineData("X-Azure-ClientIP", "203.0.113.9")]
    [InlineData("X-Envoy-External-Address", "203.0.113.9")]
    [InlineData("X-Goog-Authenticated-User-Email", "accounts.google.com:alice@example.org")]
    [InlineData("CF-IPCountry", "NL")]
    [InlineData("Origin", "https://chat.example.org")]
    [InlineData("Referer", "https://chat.example.org/c/secret-conversation")]
    // Credentials of the caller or of something in front of the gateway.
    [InlineData("Cookie", "session=secret-cookie")]
    [InlineData("Proxy-Authorization", "Basic dXNlcjpwYXNz")]
    public async Task Chat_HeaderNoProviderNeeds_NeverReachesProvider(string header, string value)
    {
        var user = await shared.Stack.Keycloak.CreateUserAsync("starter");
        using var client = shared.Stack.Sidecar.Client(await user.TokenAsync());
        using var request = ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);
        Assert.True(request.Headers.TryAddWithoutValidation(header, value));

        using var response = await client.SendAsync(request);

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamWithAsync(shared.Stack, user.Id);
        Assert.Null(ProxyTests.Header(upstream, header));
        Assert.DoesNotContain(value, upstream["headers"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("x-goog-api-key")]
    [InlineData("api-key")]
    public async Task Chat_TokenInEveryCredentialHeader_NoneReachesProvider(string header)
    {
        var user = await shared.Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var client = shared.Stack.Sidecar.Client(token);
        using var request = ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);
        request.Headers.Add(header, token);

        using var response = await client.SendAsync(request);

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamWithAsync(shared.Stack, user.Id);
        Assert.Null(ProxyTests.Header(upstream, header));
        Assert.Equal("Bearer " + TestGateway.SystemOpenAiKey, ProxyTests.Header(upstream, "authorization"));
        SecretAssert.Absent(upstream.ToJsonString(), token, "the caller's token", "What the provider received");
    }

    [Theory]
    // What the OpenAI SDK sends (openai-node buildHeaders) and OpenAI API options.
    [InlineData("openai/v1/chat/completions", "Accept", "application/json")]
    [InlineData("openai/v1/chat/completions", "User-Agent", "OpenAI/JS 6.49.0")]
    [InlineData("openai/v1/chat/completions", "X-Stainless-Lang", "js")]
    [InlineData("openai/v1/chat/completions", "X-Stainless-Package-Version", "6.49.0")]
    [InlineData("openai/v1/chat/completions", "X-Stainless-Retry-Count", "0")]
    [InlineData("openai/v1/chat/completions", "X-Stainless-Timeout", "600")]
    [InlineData("openai/v1/chat/completions", "OpenAI-Organization", "org-123")]
    [InlineData("openai/v1/chat/completions", "OpenAI-Project", "proj_123")]
    [InlineData("openai/v1/chat/completions", "OpenAI-Beta", "assistants=v2")]
    [InlineData("openai/v1/chat/completions", "Idempotency-Key", "stainless-node-retry-1")]
    // Anthropic's SDK: its version header wins over the catalogue's default.
    [InlineData("anthropic/v1/messages", "anthropic-version", "2024-01-01")]
    [InlineData("anthropic/v1/messages", "anthropic-beta", "prompt-caching-2024-07-31")]
    [InlineData("anthropic/v1/messages", "x-stainless-arch", "x64")]
    // Google Gen AI SDK, Cohere, Hugging Face, OpenRouter.
    [InlineData("gemini/v1beta/models", "x-goog-api-client", "google-genai-sdk/1.0.0 gl-python/3.12")]
    [InlineData("gemini/v1beta/models", "X-Goog-Upload-Protocol", "resumable")]
    [InlineData("cohere/v2/chat", "X-Fern-Language", "Python")]
    [InlineData("huggingface/v1/chat/completions", "x-wait-for-model", "true")]
    [InlineData("openrouter/api/v1/chat/completions", "X-Title", "My chat app")]
    public async Task Call_HeaderAnSdkSends_ReachesProvider(string path, string header, string value)
    {
        var user = await shared.Stack.Keycloak.CreateUserAsync("starter");
        using var client = shared.Stack.Sidecar.Client(await user.TokenAsync());
        if (UserKeys.TryGetValue(path.Split('/')[0], out var key))
        {
            await (await client.AddKeyAsync(path.Split('/')[0], key)).AssertOkJsonAsync();
        }

        using var request = ProxyTests.Chat(path, "gpt-test", content: user.Id);
        Assert.True(request.Headers.TryAddWithoutValidation(header, value));

        using var response = await client.SendAsync(request);

        var upstream = await LastUpstreamWithAsync(shared.Stack, user.Id);
        Assert.Equal(value, ProxyTests.Header(upstream, header));
        Assert.Equal("application/json; charset=utf-8", ProxyTests.Header(upstream, "content-type"));
    }

    [Fact]
    public async Task Messages_NoVersionHeader_CatalogueDefaultIsSent()
    {
        var user = await shared.Stack.Keycloak.CreateUserAsync("starter");
        using var client = shared.Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(ProxyTests.Chat("anthropic/v1/messages", "claude-test", content: user.Id));

        Assert.Equal("2023-06-01", ProxyTests.Header(await LastUpstreamWithAsync(shared.Stack, user.Id), "anthropic-version"));
    }

    [Fact]
    public async Task Chat_ForwardClientAddressOn_SendsOnlyXForwardedForWithTheChainAndThePeer()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Proxy:ForwardClientAddress"] = "true" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        using var request = ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Real-IP", "203.0.113.9");
        request.Headers.Add("True-Client-IP", "203.0.113.9");
        request.Headers.Add("Forwarded", "for=203.0.113.9");
        request.Headers.Add("Via", "1.1 edge.example.net");

        using var response = await client.SendAsync(request);

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamWithAsync(stack, user.Id);
        Assert.Equal("203.0.113.9, 127.0.0.1", ProxyTests.Header(upstream, "x-forwarded-for"));
        var addressHeaders = upstream["headers"]!.AsObject().Select(h => h.Key)
            .Where(h => h is "x-real-ip" or "true-client-ip" or "forwarded" or "via" || (h.StartsWith("x-forwarded-", StringComparison.Ordinal) && h != "x-forwarded-for"));
        Assert.Empty(addressHeaders);
    }

    [Fact]
    public async Task Chat_AdditionalRequestHeadersConfigured_ForwardsThoseAndNoOthers()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:AdditionalRequestHeaders:1"] = "x-litellm-*",
            ["Proxy:AdditionalRequestHeaders:2"] = "X-Team",
        });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        using var request = ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);
        request.Headers.Add("x-litellm-tags", "team-a");
        request.Headers.Add("X-Team", "research");
        request.Headers.Add("X-Teams", "not-this-one");
        request.Headers.Add("X-Request-Id", "not-this-one-either");

        using var response = await client.SendAsync(request);

        await response.AssertOkJsonAsync();
        var upstream = await LastUpstreamWithAsync(stack, user.Id);
        Assert.Equal("team-a", ProxyTests.Header(upstream, "x-litellm-tags"));
        Assert.Equal("research", ProxyTests.Header(upstream, "x-team"));
        Assert.Null(ProxyTests.Header(upstream, "x-teams"));
        Assert.Null(ProxyTests.Header(upstream, "x-request-id"));
    }

    /// <summary>The last request the fake provider saw with <paramref name="marker"/> in its body.</summary>
    private static async Task<JsonObject> LastUpstreamWithAsync(TestGateway stack, string marker) =>
        (await stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(marker, StringComparison.Ordinal));
}
