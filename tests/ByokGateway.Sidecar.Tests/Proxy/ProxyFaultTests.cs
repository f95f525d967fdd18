using System.Net;
using ByokGateway.Security;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static ByokGateway.Tests.Proxy.ProxyTests;

namespace ByokGateway.Tests.Proxy;

/// <summary>Proxy behaviour under failures, each with a stack of its own.</summary>
public sealed class ProxyFaultTests
{
    private const string UserKey = "sk-user-valid-openai-0001";

    [Fact]
    public async Task Chat_KeycloakDownWithWarmCache_KeepsWorking()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        using (var warm = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
    }

    [Fact]
    public async Task Chat_KeycloakDownWithColdCache_Returns503AndNoSystemKeyFallback()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        var before = (await stack.Provider.RequestsAsync()).Count;

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(before, (await stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_CacheEntryExpiredAndKeycloakDown_FailSafeServesStaleRecord()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cache:Duration"] = "00:00:01" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", UserKey)).AssertOkJsonAsync();
        using (var warm = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken); // let the entry expire
        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("byok", response.Headers.GetValues("X-Byok-Key-Source").Single());
    }

    [Fact]
    public async Task Chat_UpstreamSilentPastTimeout_Returns504Problem()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Proxy:UpstreamTimeout"] = "00:00:01" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "fake-hang", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.Contains("OpenAI", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamRefusesConnection_Returns502Problem()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Providers:openai:BaseUrl"] = "http://127.0.0.1:1" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("could not reach OpenAI", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    public async Task Chat_StoredCustomEndpointOnInternalAddress_IsRefused(string address)
    {
        // Stored by someone other than the API (which would refuse it): the proxy checks again.
        await using var stack = await TestGateway.StartStrictAsync(new RebindingDns());
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        var ring = stack.Sidecar.Services.GetRequiredService<ByokGateway.Crypto.KeyRing>();
        await stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?>
        {
            ["byok_custom_key"] = ring.Encrypt("custom-user-valid-0001"),
            ["byok_custom_endpoint"] = $"https://{address}:{stack.Provider.Url.Port}/v1",
        });
        var before = (await stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(Chat("custom/chat/completions", "gpt-test", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("may not reach", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_CustomEndpointRebindsToLoopback_IsRefusedAtConnectTime()
    {
        var dns = new RebindingDns();
        await using var stack = await TestGateway.StartStrictAsync(dns);
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("custom", "custom-user-valid-0001", endpoint: $"https://{RebindingDns.Host}:{stack.Provider.Url.Port}/v1")).AssertOkJsonAsync();
        var before = (await stack.Provider.RequestsAsync()).Count;

        dns.Target = IPAddress.Loopback;
        using var response = await client.SendAsync(Chat("custom/chat/completions", "gpt-test", content: user.Id));

        await response.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Equal(before, (await stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_SystemKeysOnlyForSomeTiers_OtherTiersGet403()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Proxy:SystemKeyTiers:0"] = "enterprise" });
        var starter = await stack.Keycloak.CreateUserAsync("starter");
        var enterprise = await stack.Keycloak.CreateUserAsync("enterprise");
        using var starterClient = stack.Sidecar.Client(await starter.TokenAsync());
        using var enterpriseClient = stack.Sidecar.Client(await enterprise.TokenAsync());

        using var refused = await starterClient.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: starter.Id));
        using var allowed = await enterpriseClient.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: enterprise.Id));

        await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("system", allowed.Headers.GetValues("X-Byok-Key-Source").Single());
    }

    [Fact]
    public async Task Chat_EmptySystemKeyVariable_CountsAsUnset()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
