using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Keys;
using ByokGateway.Security;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ByokGateway.Tests.Keys;

/// <summary>Management API tests that need a stack of their own (faults, stricter settings).</summary>
public sealed class ByokApiFaultTests
{
    private const string OpenAiKey = "sk-user-valid-openai-0001";

    [Fact]
    public async Task Add_KeycloakAdminApiFailing_Returns503AndWritesNothing()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        var problem = await (await client.AddKeyAsync("openai", OpenAiKey)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        await stack.Keycloak.SetAdminApiFaultAsync("none");

        Assert.Contains("Keycloak", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await stack.Keycloak.GetUserAsync(user.Id))["attributes"]?["byok_openai_key"]);
    }

    [Fact]
    public async Task Keys_KeycloakStopped_Returns503()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs to stop the emulator");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        using (var warm = await client.GetAsync("api/v1/byok/providers"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // JWKS loaded while Keycloak was up
        }

        await stack.Sidecar.Services.GetRequiredService<ByokGateway.Keys.KeyStore>().InvalidateAsync(user.Id);
        await stack.Keycloak.StopAsync();

        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        await (await client.GetAsync("api/v1/byok/keys")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Add_RealmDropsUnmanagedAttributes_FailsLoudlyInsteadOfReportingSuccess()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "changes the realm's user profile; run only against the emulator");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await SetUnmanagedPolicyAsync(stack.Keycloak, null);

        var problem = await (await client.AddKeyAsync("openai", OpenAiKey)).AssertProblemAsync(HttpStatusCode.InternalServerError);

        Assert.Contains("did not store", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(stack.Sidecar.Logs.Events, e => e.RenderMessage().Contains("unmanagedAttributePolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_RealmDropsUnmanagedAttributes_LogsItAtStartup()
    {
        var keycloak = await KeycloakServer.StartAsync();
        Assert.SkipUnless(keycloak.IsEmulator, "changes the realm's user profile; run only against the emulator");
        await SetUnmanagedPolicyAsync(keycloak, null);

        await using var stack = await TestGateway.StartAsync(keycloak: keycloak);

        // The check runs in the background right after start; wait for its verdict, bounded by the test's cancellation.
        while (!stack.Sidecar.Logs.WithEventId(1301).Any() && !stack.Sidecar.Logs.WithEventId(1302).Any())
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var logged = Assert.Single(stack.Sidecar.Logs.WithEventId(1301));
        Assert.Equal(Serilog.Events.LogEventLevel.Fatal, logged.Level);
        Assert.Contains("DISABLED", logged.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RealmKeepsAttributes_LogsThePolicyAsFine()
    {
        await using var stack = await TestGateway.StartAsync();

        while (!stack.Sidecar.Logs.WithEventId(1301).Any() && !stack.Sidecar.Logs.WithEventId(1302).Any())
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Empty(stack.Sidecar.Logs.WithEventId(1301));
        Assert.Contains("ADMIN_EDIT", Assert.Single(stack.Sidecar.Logs.WithEventId(1302)).RenderMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://llm.example.com/v1", "https")]
    [InlineData("https://127.0.0.1/v1", "internal address")]
    [InlineData("https://10.0.0.8/v1", "internal address")]
    [InlineData("https://169.254.169.254/latest", "internal address")]
    [InlineData("https://[::1]/v1", "internal address")]
    [InlineData("https://user:pw@llm.example.com/v1", "user name")]
    public async Task Add_CustomEndpointNotAllowed_Returns422(string endpoint, string expected)
    {
        await using var stack = await TestGateway.StartStrictAsync(new RebindingDns());
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());

        var problem = await (await client.AddKeyAsync("custom", "custom-user-valid-0001", endpoint: endpoint)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(problem.FieldErrors("endpoint"), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_CustomEndpointRebindsToLoopback_IsRefusedAndNothingIsSent()
    {
        var dns = new RebindingDns();
        await using var stack = await TestGateway.StartStrictAsync(dns);
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        var endpoint = $"https://{RebindingDns.Host}:{stack.Provider.Url.Port}/v1";
        await (await client.AddKeyAsync("custom", "custom-user-valid-0001", endpoint: endpoint)).AssertOkJsonAsync();
        var before = (await stack.Provider.RequestsAsync()).Count;

        dns.Target = System.Net.IPAddress.Loopback;
        var tested = await (await client.PostAsync("api/v1/byok/keys/test/custom", null)).AssertOkJsonAsync();

        Assert.Equal("error", tested["status"]!.GetValue<string>());
        Assert.Contains("not allowed", tested["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Test_ProviderUnreachable_ReportsErrorAndStoresIt()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Providers:openai:BaseUrl"] = "http://127.0.0.1:1", ["Providers:openai:Test:BaseUrl"] = null });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();

        Assert.Equal("error", tested["status"]!.GetValue<string>());
        Assert.Equal("error", (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_test_status"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_KeycloakUnavailable_Returns503WithoutCallingTheProviderOrCountingTheTest()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Byok:KeyTestPermitLimit"] = "2", ["Byok:KeyTestWindow"] = "01:00:00" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();
        await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync(); // cached: the cache alone would let the test through

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        for (var i = 0; i < 3; i++)
        {
            var problem = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("Keycloak", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await stack.Keycloak.SetAdminApiFaultAsync("none");

        Assert.DoesNotContain(await stack.Provider.RequestsAsync(), r => r!["key"]?.GetValue<string>() == OpenAiKey);
        // The refused tests did not count: the whole budget of 2 is still there.
        for (var i = 0; i < 2; i++)
        {
            var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
            Assert.Equal("valid", tested["status"]!.GetValue<string>());
            Assert.True(tested["saved"]!.GetValue<bool>());
        }

        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Test_KeycloakFailsAfterTheProviderAnswered_ReturnsTheResultMarkedNotSaved()
    {
        var keycloak = await KeycloakServer.StartAsync();
        await using var stack = await TestGateway.StartAsync(
            services: services => services.AddHttpClient(KeyTester.TrustedClient).AddHttpMessageHandler(() => new KeycloakOutageAfterSend(keycloak)),
            keycloak: keycloak);
        Assert.SkipUnless(keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", OpenAiKey)).AssertOkJsonAsync();

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        await keycloak.SetAdminApiFaultAsync("none");

        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        Assert.False(tested["saved"]!.GetValue<bool>());
        Assert.Contains("not saved", tested["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("/v1/models", (await stack.Provider.LastRequestWithKeyAsync(OpenAiKey))["path"]!.GetValue<string>());
        Assert.Null((await keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_test_status"]);
    }

    [Fact]
    public async Task FullCycle_AllLogOutput_ContainsNoKeyCiphertextOrToken()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Verbose",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
            ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Verbose",
            ["Serilog:MinimumLevel:Override:Yarp"] = "Verbose",
            ["Serilog:MinimumLevel:Override:ZiggyCreatures.Caching.Fusion"] = "Verbose",
        });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var client = stack.Sidecar.Client(token);

        await (await client.AddKeyAsync("openai", OpenAiKey, "logged label")).AssertOkJsonAsync();
        var ciphertext = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_key"]![0]!.GetValue<string>();
        await (await client.GetAsync("api/v1/byok/keys")).AssertOkJsonAsync();
        await (await client.PostAsync("api/v1/byok/keys/test/openai", null)).AssertOkJsonAsync();
        using (var proxied = await client.SendAsync(Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id)))
        {
            await proxied.AssertOkJsonAsync();
        }

        await (await client.DeleteAsync("api/v1/byok/keys/openai")).AssertOkJsonAsync();
        await (await client.AddKeyAsync("openai", "sk-bad key with space")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.True(stack.Sidecar.Logs.Events.Count > 20, "the capture must actually see the sidecar's log");
        Assert.Contains(stack.Sidecar.Logs.WithEventId(5001), e => e.Properties["UserId"].ToString() == $"\"{user.Id}\"");
        stack.Sidecar.Logs.AssertAbsent(OpenAiKey, "the provider key");
        stack.Sidecar.Logs.AssertAbsent(ciphertext, "the ciphertext");
        stack.Sidecar.Logs.AssertAbsent(ciphertext[..40], "part of the ciphertext");
        stack.Sidecar.Logs.AssertAbsent(token, "the access token");
        stack.Sidecar.Logs.AssertAbsent(token.Split('.')[2], "the token's signature");
        stack.Sidecar.Logs.AssertAbsent(stack.Keycloak.Secret, "the client secret");
        stack.Sidecar.Logs.AssertAbsent("sk-bad key with space", "a rejected key");
    }

    internal static async Task SetUnmanagedPolicyAsync(KeycloakServer keycloak, string? policy)
    {
        using var get = await keycloak.AdminSendAsync(HttpMethod.Get, $"admin/realms/{KeycloakServer.Realm}/users/profile");
        get.EnsureSuccessStatusCode();
        var profile = (await get.Content.ReadFromJsonAsync<JsonObject>())!;
        if (policy is null)
        {
            profile.Remove("unmanagedAttributePolicy");
        }
        else
        {
            profile["unmanagedAttributePolicy"] = policy;
        }

        using var put = await keycloak.RealmAdminSendAsync(HttpMethod.Put, $"admin/realms/{KeycloakServer.Realm}/users/profile", profile);
        put.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the emulator's Admin API unavailable as soon as a key test's provider call has answered.</summary>
    private sealed class KeycloakOutageAfterSend(KeycloakServer keycloak) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await keycloak.SetAdminApiFaultAsync("unavailable");
            return response;
        }
    }
}
