using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// The health check commands of the Dockerfile and compose, run with this machine's bash against
/// real HTTP servers: the bash /dev/tcp probes pass on 200 and fail otherwise. Only the port
/// differs from what runs in the containers.
/// </summary>
public sealed class HealthcheckCommandTests(SharedGateway shared, ManagementPortGateway managed) : IClassFixture<ManagementPortGateway>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DockerfileHealthcheck_RunningSidecar_PassesOnMainPort(bool managementPort)
    {
        // As the image runs (Management__Port=9000) and with the management port turned off.
        var main = (managementPort ? managed.Stack : shared.Stack).Sidecar.Url.Port;

        var result = await RunProbeAsync(DockerfileScript(), "8080", main);

        Assert.True(result.ExitCode == 0, "probe failed: " + result.StandardError);
    }

    [Fact]
    public async Task DockerfileHealthcheck_NothingListening_Fails()
    {
        var result = await RunProbeAsync(DockerfileScript(), "8080", ServerAddress.FreePort());

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task ComposeSidecarHealthcheck_ReadySidecar_PassesOnManagementPort()
    {
        var result = await RunProbeAsync(ComposeFile.Default.HealthcheckTest("sidecar")[3], DockerfileTests.ManagementPort, managed.Port);

        Assert.True(result.ExitCode == 0, "probe failed: " + result.StandardError);
    }

    [Fact]
    public async Task ComposeSidecarHealthcheck_AgainstMainPort_Fails()
    {
        // With a management port, /readyz is not on the main port: probing 8080 would never pass.
        var result = await RunProbeAsync(ComposeFile.Default.HealthcheckTest("sidecar")[3], DockerfileTests.ManagementPort, managed.Stack.Sidecar.Url.Port);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(503, false)]
    public async Task ComposeKeycloakHealthcheck_ManagementAnswer_PassesOnlyOn200(int status, bool healthy)
    {
        // Stands in for Keycloak's management interface: /health/ready answers 200 (UP) or 503 (DOWN).
        await using var management = await StartManagementStubAsync(app =>
            app.MapGet("/health/ready", () => Results.Json(new { status = status == 200 ? "UP" : "DOWN" }, statusCode: status)));

        var result = await RunProbeAsync(ComposeFile.Default.HealthcheckTest("keycloak")[3], "9000", ServerAddress.Of(management).Port);

        Assert.Equal(healthy, result.ExitCode == 0);
    }

    [Fact]
    public async Task ComposeKeycloakHealthcheck_HealthEndpointsMissing_Fails()
    {
        // Up but without /health/ready (KC_HEALTH_ENABLED unset): 404 is not ready.
        await using var management = await StartManagementStubAsync(app => app.MapGet("/", () => Results.Ok()));

        var result = await RunProbeAsync(ComposeFile.Default.HealthcheckTest("keycloak")[3], "9000", ServerAddress.Of(management).Port);

        Assert.NotEqual(0, result.ExitCode);
    }

    private static async Task<WebApplication> StartManagementStubAsync(Action<WebApplication> map)
    {
        var app = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]).Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static string DockerfileScript() =>
        DockerfileTests.HealthcheckCommand(Dockerfile.Sidecar.FinalStage.Single(i => i.Keyword == "HEALTHCHECK").Arguments)[2];

    private static async Task<ProcessResult> RunProbeAsync(string script, string containerPort, int port)
    {
        var target = $"/dev/tcp/127.0.0.1/{containerPort}";
        Assert.Contains(target, script, StringComparison.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A guard against a probe that never ends (Docker would kill it after --timeout), not a measurement.
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        return await ProcessRunner.RunAsync("bash", ["-c", script.Replace(target, $"/dev/tcp/127.0.0.1/{port}", StringComparison.Ordinal)], cancellationToken: timeout.Token);
    }
}
