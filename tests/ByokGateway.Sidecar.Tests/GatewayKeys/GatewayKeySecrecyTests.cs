using System.Net;
using ByokGateway.GatewayKeys;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>A gateway key and its hash appear only in the create answer (key) and Keycloak's hash field (hash).</summary>
public sealed class GatewayKeySecrecyTests
{
    [Fact]
    public async Task FullCycle_MostVerboseLogging_NeverLogsOrAnswersWithTheKeyOrItsHash()
    {
        await using var stack = await TestGateway.StartAsync(); // logs at Verbose
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = stack.Sidecar.Client(await user.TokenAsync());
        await (await tokenClient.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();
        var created = await tokenClient.NewGatewayKeyAsync("secrecy");
        var key = created.Token();
        Assert.True(GatewayKeyFormat.TryParse(key, out _, out var hash));
        var secrets = new Dictionary<string, string>
        {
            ["the gateway key"] = key,
            ["the gateway key without its prefix"] = key[4..],
            ["the gateway key's secret part"] = key[30..80],
            ["the gateway key's hash"] = Convert.ToHexStringLower(hash),
            ["the gateway key's hash in base64"] = Convert.ToBase64String(hash),
        };
        var answers = new List<string>();
        using var client = stack.Sidecar.Client();

        async Task SendAsync(HttpRequestMessage request, HttpClient? via = null)
        {
            using (request)
            using (var response = await (via ?? client).SendAsync(request, TestContext.Current.CancellationToken))
            {
                answers.Add($"{(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            }
        }

        foreach (var header in new[] { "Authorization", "x-api-key", "x-goog-api-key", "api-key" })
        {
            await SendAsync(GatewayKeyCalls.Chat(key, header, content: user.Id));
            await SendAsync(GatewayKeyCalls.Chat(key, header, content: user.Id, path: "anthropic/v1/messages"));
        }

        await SendAsync(GatewayKeyCalls.Chat(key[..^1], content: user.Id)); // truncated
        await SendAsync(GatewayKeyCalls.Chat(key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), content: user.Id)); // mistyped
        using var keyClient = stack.Sidecar.GatewayKeyClient(key);
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/byok/tokens"), keyClient);
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/byok/keys"), keyClient);
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/byok/tokens"), tokenClient);
        await GatewayKeyFaultTests.WaitForLastUsedAsync(stack, user);
        await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/byok/tokens/{created.Id()}"), tokenClient);
        await SendAsync(GatewayKeyCalls.Chat(key, content: user.Id)); // revoked

        Assert.Contains(answers, a => a.StartsWith("200", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("401", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("403", StringComparison.Ordinal));
        var upstream = (await stack.Provider.RequestsAsync()).ToJsonString();
        var attributes = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.ToJsonString();
        foreach (var (what, secret) in secrets)
        {
            stack.Sidecar.Logs.AssertAbsent(secret, what);
            SecretAssert.Absent(string.Join('\n', answers), secret, what, "The answers");
            SecretAssert.Absent(upstream, secret, what, "What the provider received");
            SecretAssert.Absent(attributes, secret, what, "Keycloak's attributes after revocation");
        }

        Assert.NotEmpty(stack.Sidecar.Logs.WithEventId(5011)); // the audit events exist, naming the key by id
        Assert.Contains(stack.Sidecar.Logs.WithEventId(5012), e => e.RenderMessage().Contains(created.Id(), StringComparison.Ordinal));
    }
}
