using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.RealKeycloak;

/// <summary>
/// The core end-to-end scenarios against a real Keycloak 26 (never the emulator): KEYCLOAK_URL,
/// else Testcontainers, else skipped with the reason (see <see cref="RealKeycloakFixture"/>).
/// Users are created per test through the Admin API, so a shared server stays usable.
/// </summary>
public sealed class RealKeycloakTests(RealKeycloakFixture fixture) : IClassFixture<RealKeycloakFixture>
{
    private const string OpenAiKey = "sk-user-valid-openai-0001";

    [Fact]
    public async Task ServerInfo_RealKeycloak_IsKeycloak26()
    {
        var stack = fixture.Require();

        // Only a real server has /admin/serverinfo; pointing KEYCLOAK_URL at the emulator fails here.
        using var response = await stack.Keycloak.RealmAdminSendAsync(HttpMethod.Get, "admin/serverinfo");

        var info = await response.AssertOkJsonAsync();
        Assert.StartsWith("26.", info["systemInfo"]!["version"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddListTestDelete_StarterUser_FullCycleThroughSidecar()
    {
        var stack = fixture.Require();
        var user = await stack.Keycloak.CreateUserAsync("starter", "real");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        var added = await (await client.AddKeyAsync("openai", OpenAiKey, "Work")).AssertOkJsonAsync();
        Assert.Equal("API key added successfully", added["message"]!.GetValue<string>());

        var listed = Assert.Single((await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray())!;
        Assert.Equal("openai", listed["provider"]!.GetValue<string>());
        Assert.Equal("sk-u****0001", listed["key_preview"]!.GetValue<string>());
        Assert.Equal("Work", listed["label"]!.GetValue<string>());

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        Assert.Equal("/v1/models", (await stack.Provider.LastRequestWithKeyAsync(OpenAiKey))["path"]!.GetValue<string>());
        var attributes = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        Assert.Equal("valid", attributes["byok_openai_test_status"]![0]!.GetValue<string>());

        var deleted = await (await client.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();
        Assert.Equal("API key removed successfully", deleted["message"]!.GetValue<string>());
        Assert.Empty((await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray());
        var after = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]?.AsObject() ?? [];
        Assert.DoesNotContain(after, a => a.Key.StartsWith("byok_openai_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Add_StarterUser_KeycloakStoresFernetTokenPythonDecrypts()
    {
        var stack = fixture.Require();
        var user = await stack.Keycloak.CreateUserAsync("starter", "real");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        await (await client.AddKeyAsync("openai", OpenAiKey, "Laptop")).AssertOkJsonAsync();

        // What the real Keycloak kept (ADMIN_EDIT unmanaged attributes), read back through its Admin API.
        var attributes = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        var token = attributes["byok_openai_key"]!.AsArray().Single()!.GetValue<string>();
        Assert.StartsWith("gAAAAA", token, StringComparison.Ordinal);
        Assert.Equal(OpenAiKey, await PythonFernet.DecryptAsync(stack.EncryptionKey, token));
        Assert.Equal("Laptop", attributes["byok_openai_label"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_UserWithOtherData_PutLeavesOtherFieldsUnchanged()
    {
        var stack = fixture.Require();
        var user = await stack.Keycloak.CreateUserAsync("professional", "real");
        await stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["department"] = "research" });
        var before = await stack.Keycloak.GetUserAsync(user.Id);
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        var after = await stack.Keycloak.GetUserAsync(user.Id);
        foreach (var field in new[] { "username", "email", "firstName", "lastName", "enabled", "emailVerified" })
        {
            Assert.Equal(before[field]?.ToJsonString(), after[field]?.ToJsonString());
        }

        Assert.Equal("research", after["attributes"]!["department"]![0]!.GetValue<string>());
        Assert.Equal("professional", after["attributes"]!["subscription_tier"]![0]!.GetValue<string>());
        Assert.NotNull(after["attributes"]!["byok_openai_key"]);
    }

    [Fact]
    public async Task Chat_UserWithStoredKey_ProxyForwardsWithThatKey()
    {
        var stack = fixture.Require();
        var user = await stack.Keycloak.CreateUserAsync("starter", "real");
        var token = await user.TokenAsync();
        using var client = stack.Sidecar.Client(token);
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "fake-model", content: user.Id));

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.StartsWith("fake: ", body["choices"]![0]!["message"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var upstream = (await stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } sent && sent.Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal(OpenAiKey, upstream["key"]!.GetValue<string>());
        Assert.Equal("Bearer " + OpenAiKey, ProxyTests.Header(upstream, "authorization"));
        SecretAssert.Absent(upstream.ToJsonString(), token, "the caller's Keycloak token", "What the provider received");
    }
}
