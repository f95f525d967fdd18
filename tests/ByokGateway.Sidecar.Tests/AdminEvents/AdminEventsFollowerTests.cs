using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Auth;
using ByokGateway.Tests.Auth;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.AdminEvents;

/// <summary>
/// Changes an administrator makes in Keycloak itself reach the gateway within a bounded wait, with no call to the
/// gateway's management API: the follower reads the realm's admin events and drops the named users' records.
/// </summary>
public sealed class AdminEventsFollowerTests(SharedGateway shared)
{
    private const string GroqKey = "gsk_user_valid_groq_0001";

    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task TierLoweredInKeycloak_NextProxiedCallsAreRefused()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("groq", GroqKey)).AssertOkJsonAsync();
        // This call caches the record (tier starter, the groq key); groq has no system key to fall back to.
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client));

        await Stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["subscription_tier"] = "free" });

        Assert.True(await Eventually.HoldsAsync(async () => await ChatStatusAsync(client) == HttpStatusCode.Forbidden),
            "the lowered tier never reached the proxy (the cached record kept serving)");
        Assert.Equal(HttpStatusCode.Forbidden, await ChatStatusAsync(client));
    }

    [Fact]
    public async Task UserDisabledInKeycloak_GatewayReadsTheUserAgain()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "counting user reads needs the emulator's counters");
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("groq", GroqKey)).AssertOkJsonAsync();
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client));
        var readsWhileCached = await Stack.Keycloak.UserReadsAsync(user.Id);

        var representation = await Stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await Stack.Keycloak.PutUserAsync(user.Id, representation);

        // The next calls load the record again (and so see enabled=false) instead of serving the cached one.
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await ChatStatusAsync(client);
            return await Stack.Keycloak.UserReadsAsync(user.Id) > readsWhileCached + 1;
        }), "the gateway never re-read the disabled user");
    }

    [Fact]
    public async Task UserDeletedInKeycloak_ProxiedCallsAreRefused()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("groq", GroqKey)).AssertOkJsonAsync();
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client));

        using var delete = await Stack.Keycloak.AdminSendAsync(HttpMethod.Delete, $"admin/realms/{KeycloakServer.Realm}/users/{user.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        Assert.True(await Eventually.HoldsAsync(async () => await ChatStatusAsync(client) == HttpStatusCode.Forbidden),
            "the deleted user's cached record kept serving");
    }

    [Fact]
    public async Task KeyProviderAdded_GatewayReadsTheJwksWithoutAnyToken()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["AdminEvents:PollInterval"] = "00:00:00.500" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "rotating keys and counting JWKS reads need the emulator's controls");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using (var client = stack.Sidecar.Client(await user.TokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/byok/keys")).StatusCode);
        }

        await WaitForFollowerAsync(stack);
        await stack.Keycloak.ResetCountersAsync();
        var rotation = await stack.Keycloak.RotateKeysAsync(removeOld: false);

        Assert.True(await Eventually.HoldsAsync(async () => await stack.Keycloak.JwksReadsAsync() > 0),
            "the key-provider admin event did not make the gateway re-read the JWKS");
        var keys = stack.Sidecar.Services.GetRequiredService<JwksConfigurationManager>();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(keys.Knows(rotation["kid"]!.GetValue<string>()))));
    }

    [Fact]
    public async Task KeyRemovedInKeycloak_TokensItSignedAreRefusedDespiteTheValidationCache()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["AdminEvents:PollInterval"] = "00:00:00.500" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "rotating keys needs the emulator's control");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        var old = await user.TokenAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, old));
        Assert.True(stack.Sidecar.Services.GetRequiredService<TokenValidationCache>().TryGet(old, out _), "the token is remembered as validated");
        await WaitForFollowerAsync(stack);

        await stack.Keycloak.RotateKeysAsync(removeOld: true);

        Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(stack, old) == HttpStatusCode.Unauthorized),
            "a token of the removed key stayed accepted");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, await user.TokenAsync()));
    }

    [Fact]
    public async Task RealmStoresNoAdminEvents_StartupLogSaysTheCacheDurationIsTheBound()
    {
        var keycloak = await KeycloakServer.StartAsync();
        Assert.SkipUnless(keycloak.IsEmulator, "switches the realm's admin events off");
        using (var off = await keycloak.RealmAdminSendAsync(HttpMethod.Put, $"admin/realms/{KeycloakServer.Realm}/events/config", new JsonObject { ["adminEventsEnabled"] = false }))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        await using var stack = await TestGateway.StartAsync(keycloak: keycloak);

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(stack.Sidecar.Logs.WithEventId(1502).Any())), "no warning that admin events are off");
        var warning = stack.Sidecar.Logs.WithEventId(1502).First().RenderMessage();
        Assert.Contains("Cache:Duration", warning, StringComparison.Ordinal);
        Assert.Contains("00:05:00", warning, StringComparison.Ordinal);
        Assert.Empty(stack.Sidecar.Logs.WithEventId(1501));
    }

    /// <summary>The follower's first poll only notes where the event log ends; changes after it are acted on.</summary>
    private static async Task WaitForFollowerAsync(TestGateway stack) =>
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(stack.Sidecar.Logs.WithEventId(1501).Any())), "the follower did not start");

    private static async Task<HttpStatusCode> ChatStatusAsync(HttpClient client)
    {
        using var response = await client.SendAsync(ProxyTests.Chat("groq/openai/v1/chat/completions", "llama"));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(TestGateway stack, string token)
    {
        using var client = stack.Sidecar.Client(token);
        using var response = await client.GetAsync("api/v1/byok/keys");
        return response.StatusCode;
    }
}
