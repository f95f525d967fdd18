using System.Net;
using ByokGateway.Hosting;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Keys;

/// <summary>Per-user limits of key writes and key tests, each with a small budget on a stack of its own.</summary>
public sealed class KeyRateLimitsTests
{
    private const string OpenAiKey = "sk-user-valid-openai-0001";

    [Fact]
    public async Task Add_BurstBeyondTheWritePermits_Returns429AndKeycloakSeesOnlyThePermittedWrites()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Byok:KeyWritePermitLimit"] = "3", ["Byok:KeyWriteWindow"] = "01:00:00" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "counts the emulator's writes");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        // Requests refused before anything is written take no permit.
        await (await client.AddKeyAsync("openai", "sk-bad key")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await client.DeleteAsync("api/v1/byok/keys/no-such-provider")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var writesBefore = await WritesAsync(stack, user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.AddKeyAsync("openai", TestGateway.ValidUserKeys[i % 3], $"burst {i}")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(7, refused.Count);
        foreach (var response in refused)
        {
            await AssertLimitedAsync(response, "nothing was changed");
        }

        Assert.Equal(3, await WritesAsync(stack, user) - writesBefore);

        // Removing a key draws on the same budget, and is refused without touching the stored key.
        using var delete = await client.DeleteAsync("api/v1/byok/keys/openai");
        await AssertLimitedAsync(delete, "nothing was changed");
        Assert.Equal(3, await WritesAsync(stack, user) - writesBefore);
        Assert.NotNull((await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_key"]);

        // Another user has a budget of their own.
        var other = await stack.Keycloak.CreateUserAsync("starter");
        using var otherClient = stack.Sidecar.Client(await other.TokenAsync());
        await (await otherClient.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await otherClient.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();
    }

    [Fact]
    public async Task Test_MoreThanThePermitsPerWindow_Returns429WithTypeAndRetryAfter()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Byok:KeyTestPermitLimit"] = "2", ["Byok:KeyTestWindow"] = "01:00:00" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        var providerCalls = (await stack.Provider.RequestsAsync()).Count;
        using var third = await client.PostAsync("api/v1/byok/keys/test/openai", null);

        await AssertLimitedAsync(third, "key tests");
        Assert.Equal(providerCalls, (await stack.Provider.RequestsAsync()).Count);

        // Another user has a budget of their own.
        var other = await stack.Keycloak.CreateUserAsync("starter");
        using var otherClient = stack.Sidecar.Client(await other.TokenAsync());
        await (await otherClient.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await otherClient.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response, string detail)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(ApiProblems.TooManyRequestsType, problem["type"]?.GetValue<string>());
        Assert.Contains(detail, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 must say when to retry");
    }

    private static async Task<int> WritesAsync(TestGateway stack, TestUser user) =>
        (await stack.Keycloak.CountersAsync())["userWrites"]?[user.Id]?.GetValue<int>() ?? 0;
}
