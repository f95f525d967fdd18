using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Keys;

/// <summary>The management API against the emulator (or a real Keycloak) and the fake provider.</summary>
public sealed class ByokApiTests(SharedGateway shared)
{
    private const string OpenAiKey = "sk-user-valid-openai-0001";
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task AddListTestDelete_StarterUser_FullCycleWorks()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var added = await (await client.AddKeyAsync("openai", OpenAiKey, "Work")).AssertOkJsonAsync();
        Assert.Equal("API key added successfully", added["message"]!.GetValue<string>());
        Assert.Equal("openai", added["provider"]!.GetValue<string>());
        Assert.Equal("OpenAI", added["provider_name"]!.GetValue<string>());

        var keys = (await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray();
        var listed = Assert.Single(keys)!.AsObject();
        Assert.Equal("openai", listed["provider"]!.GetValue<string>());
        Assert.Equal("OpenAI", listed["provider_name"]!.GetValue<string>());
        Assert.Equal("sk-u****0001", listed["key_preview"]!.GetValue<string>());
        Assert.Equal("Work", listed["label"]!.GetValue<string>());
        Assert.EndsWith("Z", listed["added_date"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(listed["last_tested"]);
        Assert.Null(listed["test_status"]);
        SecretAssert.Absent(keys.ToJsonString(), OpenAiKey, "the key", "GET /keys");

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        Assert.Equal("openai", tested["provider"]!.GetValue<string>());
        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(tested["message"]!.GetValue<string>()));
        Assert.NotNull(tested["details"]);
        Assert.True(tested["saved"]!.GetValue<bool>());
        var upstream = await Stack.Provider.LastRequestWithKeyAsync(OpenAiKey);
        Assert.Equal("/v1/models", upstream["path"]!.GetValue<string>());

        var afterTest = (await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync())[0]!;
        Assert.Equal("valid", afterTest["test_status"]!.GetValue<string>());
        Assert.NotNull(afterTest["last_tested"]);

        var deleted = await (await client.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();
        Assert.Equal("API key removed successfully", deleted["message"]!.GetValue<string>());
        Assert.Equal("openai", deleted["provider"]!.GetValue<string>());
        Assert.Empty((await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray());

        var stored = await Stack.Keycloak.GetUserAsync(user.Id);
        Assert.DoesNotContain(stored["attributes"]?.AsObject() ?? [], a => a.Key.StartsWith("byok_openai_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Add_StarterUser_KeycloakStoresFernetTokenPythonDecrypts()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        await (await client.AddKeyAsync("openai", OpenAiKey, "Laptop")).AssertOkJsonAsync();

        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        var token = attributes["byok_openai_key"]!.AsArray().Single()!.GetValue<string>();
        Assert.StartsWith("gAAAAA", token, StringComparison.Ordinal);
        Assert.Equal(OpenAiKey, await PythonFernet.DecryptAsync(Stack.EncryptionKey, token));
        Assert.Equal("Laptop", attributes["byok_openai_label"]![0]!.GetValue<string>());
        Assert.EndsWith("Z", attributes["byok_openai_added_date"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(attributes["byok_openai_endpoint"]);
    }

    [Fact]
    public async Task Add_UserWithOtherData_LeavesEverythingElseUnchanged()
    {
        var user = await Stack.Keycloak.CreateUserAsync("professional");
        await Stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["department"] = "research" });
        var before = await Stack.Keycloak.GetUserAsync(user.Id);
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        var after = await Stack.Keycloak.GetUserAsync(user.Id);
        foreach (var field in new[] { "username", "email", "firstName", "lastName", "enabled", "emailVerified" })
        {
            Assert.Equal(before[field]?.ToJsonString(), after[field]?.ToJsonString());
        }

        Assert.Equal("research", after["attributes"]!["department"]![0]!.GetValue<string>());
        Assert.Equal("professional", after["attributes"]!["subscription_tier"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_SameProviderAgain_ReplacesKeyAndClearsTestResult()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();

        await (await client.AddKeyAsync("openai", "sk-user-valid-openai-0002", "second")).AssertOkJsonAsync();

        var listed = Assert.Single((await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray())!;
        Assert.Equal("sk-u****0002", listed["key_preview"]!.GetValue<string>());
        Assert.Equal("second", listed["label"]!.GetValue<string>());
        Assert.Null(listed["test_status"]);
        Assert.Null(listed["last_tested"]);
    }

    [Fact]
    public async Task Providers_UserWithOneKey_ListsCatalogueWithConfiguredFlag()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        var providers = (await (await client.GetAsync("api/v1/byok/providers")).AssertOkJsonAsync()).AsArray();

        var ids = providers.Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["openai", "anthropic", "huggingface", "cohere", "together", "perplexity", "groq", "openrouter", "gemini", "mistral", "deepseek", "custom"], ids);
        var openai = providers.Single(p => p!["id"]!.GetValue<string>() == "openai")!;
        Assert.True(openai["configured"]!.GetValue<bool>());
        Assert.Equal("sk-", openai["key_format"]!.GetValue<string>());
        Assert.Equal("OpenAI", openai["name"]!.GetValue<string>());
        var cohere = providers.Single(p => p!["id"]!.GetValue<string>() == "cohere")!;
        Assert.False(cohere["configured"]!.GetValue<bool>());
        Assert.Null(cohere["key_format"]);
    }

    [Fact]
    public async Task Stats_UserWithTestedAndUntestedKeys_CountsThem()
    {
        var user = await Stack.Keycloak.CreateUserAsync("enterprise");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await client.AddKeyAsync("anthropic", "sk-ant-user-valid-0001")).AssertOkJsonAsync();
        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();

        var stats = await (await client.GetAsync("api/v1/byok/stats")).AssertOkJsonAsync();

        Assert.Equal(12, stats["total_providers"]!.GetValue<int>());
        Assert.Equal(2, stats["configured_providers"]!.GetValue<int>());
        Assert.Equal(1, stats["tested_providers"]!.GetValue<int>());
        Assert.Equal(1, stats["valid_providers"]!.GetValue<int>());
        Assert.Equal("enterprise", stats["user_tier"]!.GetValue<string>());
        Assert.True(stats["byok_allowed"]!.GetValue<bool>());
        Assert.Equal("starter", stats["required_tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_KeyTheProviderRejects_ReportsInvalidAndStoresIt()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", "sk-revoked-key-999999")).AssertOkJsonAsync();

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();

        Assert.Equal("invalid", tested["status"]!.GetValue<string>());
        SecretAssert.Absent(tested.ToJsonString(), "sk-revoked-key-999999", "the key", "The test result");
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!;
        Assert.Equal("invalid", attributes["byok_openai_test_status"]![0]!.GetValue<string>());
        Assert.NotNull(attributes["byok_openai_last_tested"]);
    }

    [Fact]
    public async Task Test_AnthropicKey_SendsCatalogueAuthHeaderAndVersion()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("anthropic", "sk-ant-user-valid-0001")).AssertOkJsonAsync();

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/anthropic", null)).AssertOkJsonAsync();

        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        var upstream = await Stack.Provider.LastRequestWithKeyAsync("sk-ant-user-valid-0001");
        Assert.Equal("/v1/models", upstream["path"]!.GetValue<string>());
        Assert.Equal("x-api-key", upstream["keyHeader"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("2023-06-01", upstream["headers"]!.AsObject().Single(h => h.Key.Equals("anthropic-version", StringComparison.OrdinalIgnoreCase)).Value![0]!.GetValue<string>());
        Assert.DoesNotContain(upstream["headers"]!.AsObject(), h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Keys_SeededByPythonService_ReadCorrectly()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var legacyToken = await PythonFernet.EncryptAsync(Stack.EncryptionKey, "sk-legacy-0123456789abcdef");
        await Stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?>
        {
            ["byok_openai_key"] = legacyToken,
            ["byok_openai_label"] = "From the old service",
            ["byok_openai_added_date"] = "2025-10-10T22:00:00.000000",
            ["byok_openai_last_tested"] = "2025-10-11T08:00:00.000000",
            ["byok_openai_test_status"] = "valid",
            ["byok_custom_key"] = await PythonFernet.EncryptAsync(Stack.EncryptionKey, "custom-legacy-0123456789"),
            ["byok_custom_endpoint"] = "https://llm.example.com/v1",
            ["byok_custom_added_date"] = "2025-10-12T10:00:00.000000",
        });
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var keys = (await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray();

        var openai = keys.Single(k => k!["provider"]!.GetValue<string>() == "openai")!;
        Assert.Equal("sk-l****cdef", openai["key_preview"]!.GetValue<string>());
        Assert.Equal("From the old service", openai["label"]!.GetValue<string>());
        Assert.Equal("2025-10-10T22:00:00.000000Z", openai["added_date"]!.GetValue<string>());
        Assert.Equal("2025-10-11T08:00:00.000000Z", openai["last_tested"]!.GetValue<string>());
        Assert.Equal("valid", openai["test_status"]!.GetValue<string>());
        var custom = keys.Single(k => k!["provider"]!.GetValue<string>() == "custom")!;
        Assert.Equal("2025-10-12T10:00:00.000000Z", custom["added_date"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_TwoProvidersConcurrently_BothAreStored()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var responses = await Task.WhenAll(
            client.AddKeyAsync("openai", OpenAiKey),
            client.AddKeyAsync("anthropic", "sk-ant-user-valid-0001"),
            client.AddKeyAsync("groq", "gsk_user_valid_groq_0001"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        Assert.NotNull(attributes["byok_openai_key"]);
        Assert.NotNull(attributes["byok_anthropic_key"]);
        Assert.NotNull(attributes["byok_groq_key"]);
    }

    [Fact]
    public async Task Add_CustomProviderWithEndpoint_StoresEndpoint()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var endpoint = new Uri(Stack.Provider.Url, "llm/v1").ToString();

        await (await client.AddKeyAsync("custom", "custom-user-valid-0001", "My LLM", endpoint)).AssertOkJsonAsync();
        var tested = await (await client.PostAsync("api/v1/byok/keys/test/custom", null)).AssertOkJsonAsync();

        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!;
        Assert.Equal(endpoint, attributes["byok_custom_endpoint"]![0]!.GetValue<string>());
        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        Assert.Equal("/llm/v1/models", (await Stack.Provider.LastRequestWithKeyAsync("custom-user-valid-0001"))["path"]!.GetValue<string>());
    }

    // ---- Bad input ----

    [Fact]
    public async Task Add_FreeTier_Returns403NamingCurrentAndRequiredTier()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("openai", OpenAiKey)).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("free", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("starter", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("free", problem["current_tier"]!.GetValue<string>());
        Assert.Null(problem["error"]); // the SDK-compatible member is for provider routes only
        Assert.Equal("starter", problem["required_tier"]!.GetValue<string>());
        Assert.Null((await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?["byok_openai_key"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("trial")]
    // Unknown tier values are refused by Keycloak's user profile; ByokAttributesTests covers reading one.
    public async Task Add_TierMissingOrBelowStarter_Returns403(string? tier)
    {
        var user = await Stack.Keycloak.CreateUserAsync(tier);
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("sk-short", "key")]
    [InlineData("sk-user-valid-openai-0001\n", "key")]
    [InlineData("sk-user valid-openai-0001", "key")]
    [InlineData("sk-user-valid\r\nX-Evil: 1", "key")]
    [InlineData("pk-user-valid-openai-0001", "key")]
    public async Task Add_MalformedKey_Returns422ForKeyAndStoresNothing(string key, string field)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("openai", key)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors(field));
        Assert.Null((await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?["byok_openai_key"]);
    }

    [Fact]
    public async Task Add_KeyOver1024Characters_Returns422()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("openai", "sk-" + new string('x', 1100))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors("key"));
    }

    [Fact]
    public async Task Add_LabelOver100Characters_Returns422()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("openai", OpenAiKey, new string('l', 101))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors("label"));
    }

    [Fact]
    public async Task Add_UnknownProvider_Returns422ForProvider()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("nosuchprovider", OpenAiKey)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors("provider"));
    }

    [Theory]
    [InlineData("DELETE", "api/v1/byok/keys/nosuchprovider")]
    [InlineData("POST", "api/v1/byok/keys/test/nosuchprovider")]
    public async Task PathWithUnknownProvider_Returns400(string method, string path)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("nosuchprovider", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_CustomWithoutEndpoint_Returns422ForEndpoint()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("custom", "custom-user-valid-0001")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors("endpoint"));
    }

    [Fact]
    public async Task Add_EndpointForNonCustomProvider_Returns422ForEndpoint()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("openai", OpenAiKey, endpoint: "https://api.example.com/v1")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.NotEmpty(problem.FieldErrors("endpoint"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task Add_MalformedJson_Returns400(string body)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.PostAsync("api/v1/byok/keys/add", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Add_FieldOfWrongType_Returns422()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.PostAsJsonAsync("api/v1/byok/keys/add", new { provider = "openai", key = 12345678901 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.FieldErrors("key"));
    }

    [Theory]
    [InlineData("DELETE", "api/v1/byok/keys/openai")]
    [InlineData("POST", "api/v1/byok/keys/test/openai")]
    public async Task ProviderWithoutStoredKey_Returns404(string method, string path)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        await (await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_FreeTierUserWithOldKey_IsAllowed()
    {
        // A user whose tier dropped keeps the right to remove what they stored.
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await Stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["subscription_tier"] = "free" });

        await (await client.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();

        Assert.Null((await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?["byok_openai_key"]);
    }
}
