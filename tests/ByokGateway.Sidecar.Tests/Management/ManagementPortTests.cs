using System.Globalization;
using System.Net;
using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.Management;

/// <summary>
/// The management port on real Kestrel listeners: with <c>Management:Port</c> set, readiness,
/// metrics and the OpenAPI document answer only there, <c>/healthz</c> on both ports, and the
/// management port serves neither the API nor the proxy. Without it, everything stays on the main port.
/// </summary>
public sealed class ManagementPortTests(ManagementPortGateway gateway, SharedGateway shared) : IClassFixture<ManagementPortGateway>
{
    private TestGateway Stack => gateway.Stack;

    [Fact]
    public async Task Metrics_ManagementPortSet_OnlyOnManagementPort()
    {
        // Traffic on the main port shows up in the management port's metrics: one process, two listeners.
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using (var client = Stack.Sidecar.Client(await user.TokenAsync()))
        using (var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "management")))
        {
            await response.AssertOkJsonAsync();
        }

        using var onMain = await Stack.Sidecar.Client().GetAsync("metrics", TestContext.Current.CancellationToken);
        using var onManagement = await gateway.Client().GetAsync("metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        Assert.DoesNotContain("byok_", await onMain.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
        Assert.Contains(
            "byok_proxy_requests_total{provider=\"openai\",key_source=\"system\",status=\"200\"}",
            await onManagement.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ManagementPortSet_OnlyOnManagementPort()
    {
        using var onMain = await Stack.Sidecar.Client().GetAsync("openapi/v1.json", TestContext.Current.CancellationToken);
        using var onManagement = await gateway.Client().GetAsync("openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        var document = await onManagement.AssertOkJsonAsync();
        Assert.Contains("/api/v1/byok/keys", document["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Readyz_ManagementPortSet_OnlyOnManagementPort()
    {
        using var onMain = await Stack.Sidecar.Client().GetAsync("readyz", TestContext.Current.CancellationToken);
        using var onManagement = await gateway.Client().GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        var body = await onManagement.AssertOkJsonAsync();
        Assert.Equal("Healthy", body["checks"]!["keycloak"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_ManagementPortSet_AnswersOnBothPorts()
    {
        using var onMain = await Stack.Sidecar.Client().GetAsync("healthz", TestContext.Current.CancellationToken);
        using var onManagement = await gateway.Client().GetAsync("healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, onMain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
        Assert.NotEqual(Stack.Sidecar.Url.Port, gateway.Port);
    }

    [Fact]
    public async Task MainPort_HostHeaderNamesManagementPort_StillRefusesMetrics()
    {
        // The port the connection arrived on decides, not the Host header a client chooses.
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Host = $"127.0.0.1:{gateway.Port.ToString(CultureInfo.InvariantCulture)}";

        using var response = await Stack.Sidecar.Client().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ManagementPort_ApiAndProxy_Return404AndReachNothing()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        using var management = gateway.Client(token);
        using var providers = await management.GetAsync("api/v1/byok/providers", TestContext.Current.CancellationToken);
        using var add = await management.AddKeyAsync("openai", TestGateway.ValidUserKeys[0]);
        using var chat = await management.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "management", content: user.Id), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, providers.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, add.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
        Assert.Equal(0, await Stack.Provider.RequestsWithBodyAsync(user.Id));
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?.AsObject() ?? [];
        Assert.DoesNotContain(attributes, a => a.Key.StartsWith("byok_", StringComparison.Ordinal));
        // The same token and calls work on the main port.
        using var main = Stack.Sidecar.Client(token);
        await (await main.GetAsync("api/v1/byok/providers", TestContext.Current.CancellationToken)).AssertOkJsonAsync();
    }

    [Fact]
    public async Task Defaults_NoManagementPort_MainPortServesEverything()
    {
        using var client = shared.Stack.Sidecar.Client();

        foreach (var path in new[] { "healthz", "readyz", "metrics", "openapi/v1.json" })
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Start_EmptyManagementPort_ServesMetricsOnMainPort()
    {
        // The image sets Management__Port=9000; `-e Management__Port=` is the documented way back.
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Management:Port"] = string.Empty });

        using var response = await stack.Sidecar.Client().GetAsync("metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Start_ManagementPortIsTheMainPort_ExitsWithInstructions()
    {
        var port = ServerAddress.FreePort().ToString(CultureInfo.InvariantCulture);

        var result = await StartProcessAsync(port, $"http://127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Management:Port {port} is also the port of the main URL", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ManagementPortOutOfRange_ExitsNamingTheSetting()
    {
        var result = await StartProcessAsync("70000", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Management:Port must be a TCP port", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> StartProcessAsync(string managementPort, string urls)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A guard against a gateway that starts instead of refusing, not a measurement.
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return await ProcessRunner.RunSidecarAsync(
            ["--urls", urls],
            environment: new Dictionary<string, string?>
            {
                ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
                ["Keycloak__Url"] = "http://127.0.0.1:1",
                ["Keycloak__ClientSecret"] = "s",
                ["KEYCLOAK_URL"] = null,
                ["BYOK_SIDECAR_SECRET"] = null,
                ["Management__Port"] = managementPort,
            },
            cancellationToken: timeout.Token);
    }
}
