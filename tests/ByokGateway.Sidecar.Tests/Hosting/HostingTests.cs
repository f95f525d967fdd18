using System.Net;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Hosting;

public sealed class HostingTests(SharedGateway shared)
{
    [Fact]
    public async Task Healthz_Always_Returns200()
    {
        using var response = await shared.Stack.Sidecar.Client().GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_KeysLoadedAndKeycloakUp_ReportsBothHealthy()
    {
        using var response = await shared.Stack.Sidecar.Client().GetAsync("readyz");

        var body = await response.AssertOkJsonAsync();
        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["encryption"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["keycloak"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_KeycloakStopped_Returns503()
    {
        await using var stack = await TestGateway.StartAsync();
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs to stop the emulator");
        await stack.Keycloak.StopAsync();

        using var response = await stack.Sidecar.Client().GetAsync("readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Unhealthy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheManagementApi()
    {
        var document = await (await shared.Stack.Sidecar.Client().GetAsync("openapi/v1.json")).AssertOkJsonAsync();

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/byok/providers", paths);
        Assert.Contains("/api/v1/byok/keys", paths);
        Assert.Contains("/api/v1/byok/keys/add", paths);
        Assert.Contains("/api/v1/byok/keys/{provider}", paths);
        Assert.Contains("/api/v1/byok/keys/test/{provider}", paths);
        Assert.Contains("/api/v1/byok/stats", paths);
    }

    [Fact]
    public async Task UnknownPath_Returns404Problem()
    {
        using var response = await shared.Stack.Sidecar.Client().GetAsync("no/such/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
