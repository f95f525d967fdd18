using System.Net;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Unified;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> against the fake provider's per-mount model lists.</summary>
[Collection(UnifiedGatewayGroup.Name)]
public sealed class UnifiedModelsTests(UnifiedGateway gateway)
{
    private TestGateway Stack => gateway.Stack;

    [Fact]
    public async Task List_OwnAndSystemKeys_IsTheUnionOfEachProvidersListFetchedWithItsKey()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey), ("gemini", UnifiedGateway.GeminiKey), ("custom", UnifiedGateway.CustomKey));
        var before = await gateway.UpstreamCountAsync();

        using var response = await client.GetAsync("v1/models", TestContext.Current.CancellationToken);

        var body = (await response.AssertOkJsonAsync()).AsObject();
        Assert.Equal("list", body["object"]!.GetValue<string>());
        var models = body["data"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var ids = models.Select(m => m["id"]!.GetValue<string>()).ToList();
        // openai and anthropic through the stack's system keys; groq, gemini and custom through the
        // user's own. The fake lists each path's own model first, so each list came from its path.
        Assert.Contains("openai/openai-model", ids);
        Assert.Contains("anthropic/anthropic-model", ids);
        Assert.Contains("groq/groq-model", ids);
        Assert.Contains("gemini/gemini-model", ids);
        Assert.Contains("custom/root-model", ids);
        Assert.Contains("groq/fake-model", ids);
        Assert.Equal(["anthropic", "custom", "gemini", "groq", "openai"], ids.Select(id => id.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(models, m =>
        {
            Assert.Equal("model", m["object"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(m["owned_by"]!.GetValue<string>()));
            Assert.True(m.ContainsKey("created"));
        });
        Assert.False(response.Headers.Contains("X-Byok-Models-Unavailable"));

        var calls = (await Stack.Provider.RequestsAsync()).Skip(before).Select(r => r!.AsObject()).ToList();
        Assert.Equal(5, calls.Count);
        Assert.Contains(calls, c => Path(c) == "/openai/v1/models" && Key(c) == UnifiedGateway.GroqKey);
        Assert.Contains(calls, c => Path(c) == "/v1beta/openai/models" && Key(c) == UnifiedGateway.GeminiKey && c["keyHeader"]!.GetValue<string>() == "x-goog-api-key");
        Assert.Contains(calls, c => Path(c) == "/v1/models" && Key(c) == TestGateway.SystemAnthropicKey && Proxy.ProxyTests.Header(c, "anthropic-version") is not null);
        Assert.Contains(calls, c => Path(c) == "/v1/models" && Key(c) == TestGateway.SystemOpenAiKey);
        Assert.Contains(calls, c => Path(c) == "/my-llm/models" && Key(c) == UnifiedGateway.CustomKey);
    }

    [Fact]
    public async Task List_OneProviderRefusesAndOneHangs_TheOthersAreListedAndTheFailedOnesNamed()
    {
        // mistral's base URL is a closed port, together's a server that never answers (timeout 1 s).
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey), ("mistral", UnifiedGateway.MistralKey), ("together", UnifiedGateway.TogetherKey));

        using var response = await client.GetAsync("v1/models", TestContext.Current.CancellationToken);

        var ids = Ids(await response.AssertOkJsonAsync());
        Assert.Contains("groq/groq-model", ids);
        Assert.Contains("openai/openai-model", ids);
        Assert.DoesNotContain(ids, id => id.StartsWith("mistral/", StringComparison.Ordinal) || id.StartsWith("together/", StringComparison.Ordinal));
        Assert.Equal("together, mistral", response.Headers.GetValues("X-Byok-Models-Unavailable").Single());
        Assert.Contains(Stack.Sidecar.Logs.WithEventId(7101), e => e.Properties["Provider"].ToString() == "\"together\"" && e.Properties["Reason"].ToString() == "\"timeout\"");
    }

    [Fact]
    public async Task List_Twice_IsServedFromTheCacheUntilTheUsersKeysChange()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var first = Ids(await (await client.GetAsync("v1/models", TestContext.Current.CancellationToken)).AssertOkJsonAsync());
        var afterFirst = await gateway.UpstreamCountAsync();

        var second = Ids(await (await client.GetAsync("v1/models", TestContext.Current.CancellationToken)).AssertOkJsonAsync());
        Assert.Equal(first, second);
        Assert.Equal(afterFirst, await gateway.UpstreamCountAsync());
        Assert.DoesNotContain(first, id => id.StartsWith("deepseek/", StringComparison.Ordinal));

        await (await client.AddKeyAsync("deepseek", UnifiedGateway.DeepSeekKey)).AssertOkJsonAsync();
        var added = Ids(await (await client.GetAsync("v1/models", TestContext.Current.CancellationToken)).AssertOkJsonAsync());
        Assert.Contains("deepseek/root-model", added);

        await (await client.DeleteAsync("api/v1/byok/keys/groq", TestContext.Current.CancellationToken)).AssertOkJsonAsync();
        var removed = Ids(await (await client.GetAsync("v1/models", TestContext.Current.CancellationToken)).AssertOkJsonAsync());
        Assert.DoesNotContain(removed, id => id.StartsWith("groq/", StringComparison.Ordinal));
        Assert.Contains("deepseek/root-model", removed);
    }

    [Fact]
    public async Task List_ProviderWithAFixedList_ListsItWithoutAskingTheProvider()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("perplexity", "pplx-user-key-0001"));
        var before = (await Stack.Provider.RequestsAsync()).Count(r => r!["key"]?.GetValue<string>() == "pplx-user-key-0001");

        var ids = Ids(await (await client.GetAsync("v1/models", TestContext.Current.CancellationToken)).AssertOkJsonAsync());

        Assert.Contains("perplexity/sonar", ids);
        Assert.Contains("perplexity/sonar-pro", ids);
        Assert.Equal(before, (await Stack.Provider.RequestsAsync()).Count(r => r!["key"]?.GetValue<string>() == "pplx-user-key-0001"));
    }

    [Theory]
    [InlineData("v1/models/groq/groq-model")]
    [InlineData("v1/models/groq%2Fgroq-model")] // how the OpenAI SDKs send it: one escaped path segment
    public async Task Retrieve_ListedModel_AnswersLikeOpenAisRetrieve(string path)
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var model = (await response.AssertOkJsonAsync()).AsObject();
        Assert.Equal("groq/groq-model", model["id"]!.GetValue<string>());
        Assert.Equal("model", model["object"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("v1/models/groq/no-such-model")]
    [InlineData("v1/models/mistral/groq-model")]
    [InlineData("v1/models/groq-model")]
    public async Task Retrieve_ModelNotInTheUsersList_Returns404InOpenAisShape(string path)
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("model_not_found", problem["error"]!["code"]!.GetValue<string>());
        Assert.Equal("not_found_error", problem["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithoutToken_Returns401()
    {
        using var client = Stack.Sidecar.Client();

        using var response = await client.GetAsync("v1/models", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_DisabledUser_Returns403LikeTheProxy()
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var representation = await Stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await Stack.Keycloak.PutUserAsync(user.Id, representation);
        await Stack.Sidecar.Services.GetRequiredService<ByokGateway.Keys.KeyStore>().InvalidateAsync(user.Id);

        using var response = await client.GetAsync("v1/models", TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(ByokGateway.Hosting.ApiProblems.AccountDisabledDetail, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public void CacheKey_FollowsWhatDecidesTheList()
    {
        var key = new ByokGateway.Keys.StoredKey("gAAAAA-one", "label", null, null, null, null);
        var record = new ByokGateway.Keys.ByokRecord("user-1", "starter", new Dictionary<string, ByokGateway.Keys.StoredKey> { ["groq"] = key });
        var same = record with { Keys = new Dictionary<string, ByokGateway.Keys.StoredKey> { ["groq"] = key with { Label = "renamed", LastTested = DateTimeOffset.UnixEpoch } } };

        var original = ByokGateway.Unified.UnifiedModels.CacheKey(record);

        Assert.Equal(original, ByokGateway.Unified.UnifiedModels.CacheKey(same));
        Assert.StartsWith("byok:v1-models:user-1:", original, StringComparison.Ordinal);
        Assert.NotEqual(original, ByokGateway.Unified.UnifiedModels.CacheKey(record with { Tier = "free" }));
        Assert.NotEqual(original, ByokGateway.Unified.UnifiedModels.CacheKey(record with { Keys = new Dictionary<string, ByokGateway.Keys.StoredKey> { ["groq"] = key with { Ciphertext = "gAAAAA-two" } } }));
        Assert.NotEqual(original, ByokGateway.Unified.UnifiedModels.CacheKey(record with { Keys = new Dictionary<string, ByokGateway.Keys.StoredKey> { ["mistral"] = key } }));
        Assert.NotEqual(original, ByokGateway.Unified.UnifiedModels.CacheKey(record with { UserId = "user-2" }));
        Assert.DoesNotContain("gAAAAA", original, StringComparison.Ordinal);
    }

    private static List<string> Ids(JsonNode list) => [.. list["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>())];

    private static string Path(JsonObject call) => call["path"]!.GetValue<string>();

    private static string? Key(JsonObject call) => call["key"]?.GetValue<string>();
}
