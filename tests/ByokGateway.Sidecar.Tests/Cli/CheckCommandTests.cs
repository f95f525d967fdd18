using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Keys;

namespace ByokGateway.Tests.Cli;

/// <summary><c>check</c>, run as the real binary.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Check_HealthySetup_AllChecksPass()
    {
        await using var keycloak = await KeycloakServer.StartAsync();

        var result = await RunAsync(keycloak.Url.ToString(), keycloak.Secret);

        Assert.Equal(0, result.ExitCode);
        foreach (var check in new[] { "encryption keys", "provider catalogue", "keycloak settings", "keycloak reachable", "service account", "read users", "unmanaged attribute policy", "admin events" })
        {
            Assert.Contains($"ok    {check}:", result.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("All checks passed.", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RealmDropsUnmanagedAttributes_FailsThePolicyCheck()
    {
        await using var keycloak = await KeycloakServer.StartAsync();
        Assert.SkipUnless(keycloak.IsEmulator, "changes the realm's user profile; run only against the emulator");
        await ByokApiFaultTests.SetUnmanagedPolicyAsync(keycloak, null);

        var result = await RunAsync(keycloak.Url.ToString(), keycloak.Secret);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  unmanaged attribute policy: the realm's policy is DISABLED", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ADMIN_EDIT", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RealmStoresNoAdminEvents_WarnsThatTheCacheDurationIsTheBoundWithoutFailing()
    {
        await using var keycloak = await KeycloakServer.StartAsync();
        Assert.SkipUnless(keycloak.IsEmulator, "switches the realm's admin events off; run only against the emulator");
        using (var off = await keycloak.RealmAdminSendAsync(HttpMethod.Put, $"admin/realms/{KeycloakServer.Realm}/events/config", new System.Text.Json.Nodes.JsonObject { ["adminEventsEnabled"] = false }))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, off.StatusCode);
        }

        var result = await RunAsync(keycloak.Url.ToString(), keycloak.Secret);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARN  admin events: the realm does not store admin events", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("only after Cache:Duration (00:05:00)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("All checks passed (1 warning(s)).", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WrongClientSecret_FailsTheServiceAccountCheck()
    {
        await using var keycloak = await KeycloakServer.StartAsync();

        var result = await RunAsync(keycloak.Url.ToString(), "wrong-secret");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  service account:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("BYOK_SIDECAR_SECRET", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_KeycloakUnreachable_FailsTheReachabilityCheck()
    {
        var result = await RunAsync("http://127.0.0.1:1", "irrelevant");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  keycloak reachable:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NoEncryptionKey_FailsWithInstructions()
    {
        await using var keycloak = await KeycloakServer.StartAsync();

        var result = await ProcessRunner.RunSidecarAsync(["check"], environment: new Dictionary<string, string?>
        {
            ["Keycloak__Url"] = keycloak.Url.ToString(),
            ["Keycloak__ClientSecret"] = keycloak.Secret,
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  encryption keys:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("generate-key", result.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunAsync(string keycloakUrl, string secret) =>
        ProcessRunner.RunSidecarAsync(["check"], environment: new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
            ["Keycloak__Url"] = keycloakUrl,
            ["Keycloak__ClientSecret"] = secret,
        });
}
