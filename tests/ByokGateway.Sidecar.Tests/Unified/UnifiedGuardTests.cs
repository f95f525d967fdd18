using System.Net;
using System.Text;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Unified;

/// <summary>A custom endpoint reached through <c>/v1</c> is still checked by the outbound guard, on every connection.</summary>
public sealed class UnifiedGuardTests
{
    [Fact]
    public async Task Chat_CustomEndpointRebindsToLoopback_IsRefusedAtConnectTime()
    {
        var dns = new RebindingDns();
        await using var stack = await TestGateway.StartStrictAsync(dns);
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("custom", "custom-user-valid-0001", endpoint: $"https://{RebindingDns.Host}:{stack.Provider.Url.Port}/v1")).AssertOkJsonAsync();

        dns.Target = IPAddress.Loopback;
        using var chat = await client.PostAsync("v1/chat/completions",
            new StringContent("{\"model\":\"custom/my-model\",\"messages\":[]}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var models = await client.GetAsync("v1/models", TestContext.Current.CancellationToken);

        var problem = await chat.AssertProblemAsync(HttpStatusCode.BadGateway);
        Assert.Contains("may not reach", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("custom", chat.Headers.GetValues("X-Byok-Provider").Single());
        await models.AssertOkJsonAsync();
        Assert.Equal("custom", models.Headers.GetValues("X-Byok-Models-Unavailable").Single());
        Assert.Contains(stack.Sidecar.Logs.WithEventId(7101), e => e.Properties["Reason"].ToString().Contains("outbound guard", StringComparison.Ordinal));
        // The models of openai and anthropic (system keys) were fetched; nothing reached the custom endpoint.
        Assert.DoesNotContain(await stack.Provider.RequestsAsync(), r => r!["key"]?.GetValue<string>() == "custom-user-valid-0001");
    }
}
