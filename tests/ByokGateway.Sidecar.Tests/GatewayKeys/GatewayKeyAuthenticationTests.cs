using System.Net;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using static ByokGateway.Tests.Proxy.ProxyTests;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>A gateway key on the proxy routes: accepted wherever a token is, and never forwarded.</summary>
public sealed class GatewayKeyAuthenticationTests(SharedGateway shared)
{
    private const string UserKey = "sk-user-valid-openai-0002";
    private TestGateway Stack => shared.Stack;

    [Theory]
    [InlineData("Authorization")]
    [InlineData("x-api-key")]
    [InlineData("x-goog-api-key")]
    [InlineData("api-key")]
    public async Task Chat_GatewayKeyInACredentialHeader_ForwardsWithTheUsersKeyAndNeverTheGatewayKey(string header)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = Stack.Sidecar.Client(await user.TokenAsync());
        await (await tokenClient.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        var key = (await tokenClient.NewGatewayKeyAsync()).Token();
        using var client = Stack.Sidecar.Client();

        using var response = await client.SendAsync(GatewayKeyCalls.Chat(key, header, content: user.Id), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
        var upstream = await LastUpstreamForAsync(user);
        Assert.Equal(UserKey, upstream["key"]!.GetValue<string>());
        Assert.Equal("Bearer " + UserKey, Header(upstream, "authorization"));
        Assert.Null(Header(upstream, "x-api-key"));
        Assert.Null(Header(upstream, "x-goog-api-key"));
        Assert.Null(Header(upstream, "api-key"));
        SecretAssert.Absent(upstream.ToJsonString(), key, "the gateway key", "What the provider received");
        SecretAssert.Absent(upstream.ToJsonString(), key[4..], "the gateway key's body", "What the provider received");
    }

    [Fact]
    public async Task Chat_GatewayKeyOfAFreeTierUser_UsesTheSystemKeyLikeAToken()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var tokenClient = Stack.Sidecar.Client(await user.TokenAsync());
        var key = (await tokenClient.NewGatewayKeyAsync()).Token();
        using var client = Stack.Sidecar.GatewayKeyClient(key);

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken);

        await response.AssertOkJsonAsync();
        Assert.Equal("system", response.Headers.GetValues("X-Byok-Key-Source").Single());
        Assert.Equal(TestGateway.SystemOpenAiKey, (await LastUpstreamForAsync(user))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_RevokedKey_Returns401AtTheNextCallAndForwardsNothing()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = Stack.Sidecar.Client(await user.TokenAsync());
        var created = await tokenClient.NewGatewayKeyAsync();
        using var client = Stack.Sidecar.GatewayKeyClient(created.Token());
        using (var before = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken))
        {
            await before.AssertOkJsonAsync();
        }

        await (await tokenClient.DeleteAsync($"api/v1/byok/tokens/{created.Id()}", TestContext.Current.CancellationToken)).AssertOkJsonAsync();
        var forwarded = await Stack.Provider.RequestsWithBodyAsync(user.Id);
        Assert.Equal(1, forwarded); // the call before the revocation, found by its body

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(forwarded, await Stack.Provider.RequestsWithBodyAsync(user.Id));
        SecretAssert.Absent(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), created.Token(), "the gateway key", "The 401");
    }

    [Fact]
    public async Task Chat_AnotherUsersKeyNamingThisUser_Returns401()
    {
        // A key is only valid for the user it names: its hash is looked up in that user's record.
        var victim = await Stack.Keycloak.CreateUserAsync("starter");
        var attacker = await Stack.Keycloak.CreateUserAsync("starter");
        using var attackerClient = Stack.Sidecar.Client(await attacker.TokenAsync());
        using var victimClient = Stack.Sidecar.Client(await victim.TokenAsync());
        await victimClient.NewGatewayKeyAsync();
        var own = (await attackerClient.NewGatewayKeyAsync()).Token();
        var forged = ByokGateway.GatewayKeys.GatewayKeyFormat.Create(Guid.Parse(victim.Id)).Token;
        using var client = Stack.Sidecar.Client();

        using var forgedResponse = await client.SendAsync(GatewayKeyCalls.Chat(forged, content: victim.Id), TestContext.Current.CancellationToken);
        using var ownResponse = await client.SendAsync(GatewayKeyCalls.Chat(own, content: attacker.Id), TestContext.Current.CancellationToken);

        await forgedResponse.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, ownResponse.StatusCode);
        Assert.DoesNotContain(await Stack.Provider.RequestsAsync(), r => r!["body"]?.GetValue<string>().Contains(victim.Id, StringComparison.Ordinal) == true);
    }

    private async Task<JsonObject> LastUpstreamForAsync(TestUser user) =>
        (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(user.Id, StringComparison.Ordinal));
}
