using System.Text.Json.Nodes;
using ByokGateway.Tests.AdminEvents;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// scripts/dev.sh (<c>make dev</c>): the settings it gives the gateway, read through its
/// <c>--print-env</c> flag with this machine's bash, and what the gateway does with them.
/// </summary>
public sealed class DevScriptTests
{
    // dev.sh's fake provider (PROVIDER_PORT).
    private const string FakeProviderUrl = "http://127.0.0.1:8190";

    [Fact]
    public async Task PrintEnv_NothingSet_PointsEveryCatalogueProviderAndItsTestAtTheFakeProvider()
    {
        var settings = await PrintEnvAsync([]);

        Assert.NotEmpty(CatalogueProvidersWithBaseUrl());
        Assert.All(CatalogueProvidersWithBaseUrl(), id =>
        {
            Assert.Equal(FakeProviderUrl, settings.GetValueOrDefault($"Providers__{id}__BaseUrl"));
            Assert.Equal(FakeProviderUrl, settings.GetValueOrDefault($"Providers__{id}__Test__BaseUrl"));
        });
        Assert.DoesNotContain(settings.Keys, k => k.Contains("ClientSecret", StringComparison.Ordinal) || k.StartsWith("ENCRYPTION_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrintEnv_ProviderBaseUrlSet_LeavesThatProvidersTestUrlToTheGateway()
    {
        var settings = await PrintEnvAsync(new()
        {
            ["Providers__openai__BaseUrl"] = "http://127.0.0.1:9/openai-proxy",
            ["Providers__huggingface__BaseUrl"] = "http://127.0.0.1:9/hf-proxy",
        });

        Assert.Equal("http://127.0.0.1:9/openai-proxy", settings["Providers__openai__BaseUrl"]);
        Assert.False(settings.ContainsKey("Providers__openai__Test__BaseUrl"), "openai's key test would go to the fake provider: " + settings.GetValueOrDefault("Providers__openai__Test__BaseUrl"));
        Assert.Equal("http://127.0.0.1:9/hf-proxy", settings["Providers__huggingface__BaseUrl"]);
        Assert.False(settings.ContainsKey("Providers__huggingface__Test__BaseUrl"), "huggingface's key test would go to the fake provider");
        // The providers you did not touch stay on the fake provider, test included.
        Assert.Equal(FakeProviderUrl, settings["Providers__anthropic__BaseUrl"]);
        Assert.Equal(FakeProviderUrl, settings["Providers__anthropic__Test__BaseUrl"]);
    }

    [Fact]
    public async Task PrintEnv_TestUrlSet_KeepsIt()
    {
        var settings = await PrintEnvAsync(new()
        {
            ["Providers__groq__Test__BaseUrl"] = "http://127.0.0.1:9/groq-test",
            ["Providers__openai__BaseUrl"] = "http://127.0.0.1:9/openai-proxy",
            ["Providers__openai__Test__BaseUrl"] = "http://127.0.0.1:9/openai-test",
        });

        Assert.Equal(FakeProviderUrl, settings["Providers__groq__BaseUrl"]);
        Assert.Equal("http://127.0.0.1:9/groq-test", settings["Providers__groq__Test__BaseUrl"]);
        Assert.Equal("http://127.0.0.1:9/openai-test", settings["Providers__openai__Test__BaseUrl"]);
    }

    [Fact]
    public async Task PrintEnv_RealProviders_SetsNoProviderUrls()
    {
        var settings = await PrintEnvAsync(new() { ["DEV_PROVIDERS"] = "real" });

        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Providers__", StringComparison.Ordinal));
        Assert.Equal("http://127.0.0.1:8180", settings["Keycloak__Url"]);
    }

    [Fact]
    public async Task PrintEnv_OpenAiBaseUrlSet_GatewayTestsKeysThere()
    {
        // The issue this guards: the user's provider answered the proxied calls while key tests
        // went to the fake provider. Here the user's "provider" is a fake provider of its own.
        await using var mine = await FakeProviderServer.StartAsync(TestGateway.ValidUserKeys[0]);
        var printed = await PrintEnvAsync(new() { ["Providers__openai__BaseUrl"] = mine.Url.ToString() });
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Providers:openai:BaseUrl"] = printed["Providers__openai__BaseUrl"],
            // What make dev leaves unset is unset for the gateway too (TestGateway sets every test URL).
            ["Providers:openai:Test:BaseUrl"] = printed.GetValueOrDefault("Providers__openai__Test__BaseUrl"),
        });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();

        var tested = await (await client.PostAsync("api/v1/byok/keys/test/openai", null, TestContext.Current.CancellationToken)).AssertOkJsonAsync();

        Assert.Equal("valid", tested["status"]!.GetValue<string>());
        var upstream = await mine.LastRequestWithKeyAsync(TestGateway.ValidUserKeys[0]);
        Assert.Equal("/v1/models", upstream["path"]!.GetValue<string>());
        Assert.DoesNotContain(await stack.Provider.RequestsAsync(), r => r!["key"]?.GetValue<string>() == TestGateway.ValidUserKeys[0]);
    }

    [Fact]
    public async Task PrintEnv_NothingSet_FreeTierChatsOnAFakeSystemKeyWithASmallDailyBudget()
    {
        var printed = await PrintEnvAsync([]);

        Assert.Equal("sk-dev-system-openai-0000000001", printed["OPENAI_API_KEY"]);
        Assert.Equal("free", printed["Proxy__SystemKeyTiers__0"]);
        Assert.Equal("100", printed["Limits__Tiers__free__System__TokensPerDay"]);
        // The same settings on a gateway (with the test stack's own system key): alice's tier gets
        // the system key under the budget, bob's tier still needs a key of its own.
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:SystemKeyTiers:0"] = printed["Proxy__SystemKeyTiers__0"],
            ["Limits:Tiers:free:System:TokensPerDay"] = printed["Limits__Tiers__free__System__TokensPerDay"],
        });
        var alice = await stack.Keycloak.CreateUserAsync("free");
        using (var client = stack.Sidecar.Client(await alice.TokenAsync()))
        using (var chat = await client.SendAsync(Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-test"), TestContext.Current.CancellationToken))
        {
            await chat.AssertOkJsonAsync();
            Assert.Equal("system", chat.Headers.GetValues("X-Byok-Key-Source").Single());
            Assert.Equal("100", chat.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        }

        var bob = await stack.Keycloak.CreateUserAsync("starter");
        using var bobClient = stack.Sidecar.Client(await bob.TokenAsync());
        using var refused = await bobClient.SendAsync(Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-test"), TestContext.Current.CancellationToken);
        await refused.AssertProblemAsync(System.Net.HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PrintEnv_OwnSystemKey_IsNeitherReplacedNorPrinted()
    {
        var printed = await PrintEnvAsync(new() { ["OPENAI_API_KEY"] = "sk-mine-0123456789" });

        Assert.False(printed.ContainsKey("OPENAI_API_KEY"));
        Assert.False(printed.ContainsKey("Proxy__SystemKeyTiers__0"), "your system key would be kept from every tier but free");
        Assert.Equal("100", printed["Limits__Tiers__free__System__TokensPerDay"]);
    }

    [Fact]
    public async Task PrintEnv_NothingSet_GatewayBillsEachCallOnceToTheFakeProvidersLagoStandIn()
    {
        var printed = await PrintEnvAsync([]);

        Assert.Equal(FakeProviderUrl + "/lago", printed["Billing__Lago__Url"]);
        Assert.DoesNotContain(printed, p => p.Key.Contains("ApiKey", StringComparison.Ordinal) || p.Value.Contains(DevLagoKey(), StringComparison.Ordinal));
        // The same path on a fake provider of this test's own, with the key dev.sh gives both sides.
        await using var lago = await FakeProviderServer.StartWithLagoAsync(DevLagoKey());
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Billing:Lago:Url"] = new Uri(lago.Url, new Uri(printed["Billing__Lago__Url"]).AbsolutePath).ToString(),
            ["Billing:Lago:ApiKey"] = DevLagoKey(),
            ["Billing:Lago:PollInterval"] = "00:00:00.100",
            ["Billing:Lago:MinRetryDelay"] = "00:00:00.100",
        });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var client = stack.Sidecar.Client(await user.TokenAsync());
        for (var i = 0; i < 3; i++)
        {
            using var chat = await client.SendAsync(Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-test"), TestContext.Current.CancellationToken);
            await chat.AssertOkJsonAsync();
        }

        JsonObject listing = [];
        Assert.True(await Eventually.HoldsAsync(async () => (listing = await lago.LagoEventsAsync())["count"]!.GetValue<int>() >= 3, TimeSpan.FromSeconds(60)),
            "the stand-in has " + listing.ToJsonString());
        // A moment more for a repeat, were the exporter to send one.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        listing = await lago.LagoEventsAsync();
        Assert.Equal(3, listing["count"]!.GetValue<int>());
        Assert.Equal(0, listing["repeats"]!.GetValue<int>());
        var events = listing["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(3, events.Select(e => e["transaction_id"]!.GetValue<string>()).Distinct().Count());
        Assert.All(events, e =>
        {
            Assert.Equal(user.Id, e["external_subscription_id"]!.GetValue<string>());
            Assert.Equal("llm_usage", e["code"]!.GetValue<string>());
            Assert.Equal("openai", e["properties"]!["provider"]!.GetValue<string>());
            Assert.Equal("system", e["properties"]!["key_source"]!.GetValue<string>());
        });
    }

    [Theory]
    [InlineData("DEV_LAGO", "0")]
    [InlineData("DEV_PROVIDERS", "real")]
    public async Task PrintEnv_LagoStandInOff_SetsNoLagoUrl(string name, string value)
    {
        var printed = await PrintEnvAsync(new() { [name] = value });

        Assert.False(printed.ContainsKey("Billing__Lago__Url"), printed.GetValueOrDefault("Billing__Lago__Url"));
    }

    [Fact]
    public async Task PrintEnv_OwnLagoUrl_KeepsIt()
    {
        var printed = await PrintEnvAsync(new() { ["Billing__Lago__Url"] = "https://lago.example.test" });

        Assert.Equal("https://lago.example.test", printed["Billing__Lago__Url"]);
    }

    /// <summary>dev.sh's API key for the Lago stand-in (not a secret: only the fake provider takes it).</summary>
    private static string DevLagoKey() =>
        System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "dev.sh")), "dev_lago_key=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } key
            ? key
            : throw new InvalidOperationException("scripts/dev.sh sets no dev_lago_key");

    /// <summary>Runs <c>dev.sh --print-env</c> with only <paramref name="environment"/> as provider settings.</summary>
    private static async Task<Dictionary<string, string>> PrintEnvAsync(Dictionary<string, string?> environment)
    {
        // The runner's own environment must not decide the outcome.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Limits__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Proxy__SystemKeyTiers__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Billing__", StringComparison.OrdinalIgnoreCase)
                || name is "DEV_PROVIDERS" or "DEV_LAGO" or "Keycloak__Url" or "KEYCLOAK_URL" or "OPENAI_API_KEY")
            {
                environment.TryAdd(name, null);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "dev.sh"), "--print-env"], environment: environment, cancellationToken: timeout.Token);

        Assert.True(result.ExitCode == 0, "dev.sh --print-env failed: " + result.StandardError);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }

    /// <summary>The catalogue's providers with a fixed upstream (every one but <c>custom</c>).</summary>
    private static List<string> CatalogueProvidersWithBaseUrl() =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "sidecar", "appsettings.json")))!["Providers"]!.AsObject()
            .Where(p => p.Value!["BaseUrl"] is not null)
            .Select(p => p.Key)];
}
