using System.Net;
using System.Text;
using ByokGateway.Keys;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Keys;

/// <summary>
/// A caller whose token is still valid but whose account an administrator disabled or deleted
/// (DESIGN.md §8): every route of the management API refuses them with 403 and nothing is written
/// to Keycloak or sent to a provider.
/// </summary>
public sealed class ByokApiAccountTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    /// <summary>Every route of the API, with a request that would succeed for an enabled starter user holding an OpenAI key.</summary>
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "GET", "api/v1/byok/providers", null },
        { "GET", "api/v1/byok/keys", null },
        { "POST", "api/v1/byok/keys/add", """{"provider":"openai","key":"sk-user-valid-openai-0002","label":"new"}""" },
        { "DELETE", "api/v1/byok/keys/openai", null },
        { "POST", "api/v1/byok/keys/test/openai", null },
        { "GET", "api/v1/byok/stats", null },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_DisabledUser_Returns403AndChangesNothing(string method, string path, string? body)
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "counts the emulator's writes");
        var (user, client, key) = await UserWithKeyAsync();
        await SetEnabledAsync(user, false);
        await ForgetCachedAsync(user);
        var before = await StateAsync(user, key);

        using var response = await client.SendAsync(Request(method, path, body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(user, key));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_DeletedUser_Returns403AndChangesNothing(string method, string path, string? body)
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "counts the emulator's writes");
        var (user, client, key) = await UserWithKeyAsync();
        using (var deleted = await Stack.Keycloak.AdminSendAsync(HttpMethod.Delete, $"admin/realms/{KeycloakServer.Realm}/users/{user.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ForgetCachedAsync(user);
        var writes = await WritesAsync(user);
        var tested = await ProviderCallsAsync(key);

        using var response = await client.SendAsync(Request(method, path, body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("does not exist", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(writes, await WritesAsync(user));
        Assert.Equal(tested, await ProviderCallsAsync(key));
    }

    [Fact]
    public async Task Add_DisabledWhileCachedAsEnabled_IsRefusedAndTheCacheCatchesUp()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "counts the emulator's writes");
        var (user, client, key) = await UserWithKeyAsync();
        await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync(); // cached as enabled
        await SetEnabledAsync(user, false);
        var before = await StateAsync(user, key);

        // The write reads the user fresh, so it needs no cache invalidation to see the change ...
        var problem = await (await client.AddKeyAsync("openai", "sk-user-valid-openai-0002")).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(user, key));
        // ... and drops the stale record, so the cached routes refuse the user from now on too.
        await (await client.GetAsync("api/v1/byok/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Keys_UserEnabledAgain_IsServedAgain()
    {
        // Control for the refusals: the same user and token work once the account is enabled.
        var (user, client, _) = await UserWithKeyAsync();
        await SetEnabledAsync(user, false);
        await ForgetCachedAsync(user);
        await (await client.GetAsync("api/v1/byok/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);

        await SetEnabledAsync(user, true);
        await ForgetCachedAsync(user);

        Assert.Single((await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync()).AsArray());
        await (await client.AddKeyAsync("openai", "sk-user-valid-openai-0002")).AssertOkJsonAsync();
    }

    /// <summary>
    /// A starter user with an OpenAI key of their own (so the provider's requests tell theirs apart
    /// from other tests' on the shared stack) and a client with their token, taken while the account is enabled.
    /// </summary>
    private async Task<(TestUser User, HttpClient Client, string Key)> UserWithKeyAsync()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter", "acct");
        var client = Stack.Sidecar.Client(await user.TokenAsync());
        var key = "sk-account-" + Guid.NewGuid().ToString("N");
        await (await client.AddKeyAsync("openai", key)).AssertOkJsonAsync();
        return (user, client, key);
    }

    private async Task SetEnabledAsync(TestUser user, bool enabled)
    {
        var representation = await Stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = enabled;
        await Stack.Keycloak.PutUserAsync(user.Id, representation);
    }

    /// <summary>What the admin-events follower does when Keycloak reports the change (or the cache duration, at the latest).</summary>
    private async Task ForgetCachedAsync(TestUser user) =>
        await Stack.Sidecar.Services.GetRequiredService<KeyStore>().InvalidateAsync(user.Id);

    /// <summary>The user's stored attributes, their write count and the provider calls made with their key.</summary>
    private async Task<string> StateAsync(TestUser user, string key)
    {
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.ToJsonString();
        return $"{attributes} writes={await WritesAsync(user)} provider-calls={await ProviderCallsAsync(key)}";
    }

    private async Task<int> ProviderCallsAsync(string key) =>
        (await Stack.Provider.RequestsAsync()).Count(r => r!["key"]?.GetValue<string>() == key);

    private async Task<int> WritesAsync(TestUser user) =>
        (await Stack.Keycloak.CountersAsync())["userWrites"]?[user.Id]?.GetValue<int>() ?? 0;

    private static HttpRequestMessage Request(string method, string path, string? body) => new(new HttpMethod(method), path)
    {
        Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
    };
}
