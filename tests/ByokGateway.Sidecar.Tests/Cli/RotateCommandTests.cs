using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Cli;

/// <summary><c>rotate</c>, run as the real binary against a Keycloak of its own (it walks every user of the realm).</summary>
public sealed class RotateCommandTests : IAsyncLifetime
{
    private static readonly string OldKey = Fernet.GenerateKey();
    private static readonly string NewKey = Fernet.GenerateKey();

    private KeycloakServer? _keycloak;

    private KeycloakServer Keycloak => _keycloak!;

    public async ValueTask InitializeAsync()
    {
        _keycloak = await KeycloakServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_keycloak is not null)
        {
            await _keycloak.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rotate_KeysUnderOldKey_ReEncryptsAllWithNewKeyAcrossPages()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "rotate walks every user of the realm; run it only against a realm of its own");
        var users = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            var user = await Keycloak.CreateUserAsync("starter", "rot");
            await Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?>
            {
                ["byok_openai_key"] = await PythonFernet.EncryptAsync(OldKey, $"sk-rotate-openai-{i:0000000000}"),
                ["byok_openai_label"] = "label " + i,
                ["byok_anthropic_key"] = await PythonFernet.EncryptAsync(OldKey, $"sk-ant-rotate-{i:0000000000}"),
            });
            users.Add(user);
        }

        var result = await RunAsync("rotate");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("keys re-encrypted: 10;", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("users updated: 5;", result.StandardOutput, StringComparison.Ordinal);
        for (var i = 0; i < users.Count; i++)
        {
            var attributes = (await Keycloak.GetUserAsync(users[i].Id))["attributes"]!;
            var openai = attributes["byok_openai_key"]![0]!.GetValue<string>();
            Assert.Equal($"sk-rotate-openai-{i:0000000000}", await PythonFernet.DecryptAsync(NewKey, openai));
            Assert.Equal("invalid", await PythonFernet.VerdictAsync(OldKey, openai));
            Assert.Equal($"sk-ant-rotate-{i:0000000000}", await PythonFernet.DecryptAsync(NewKey, attributes["byok_anthropic_key"]![0]!.GetValue<string>()));
            Assert.Equal("label " + i, attributes["byok_openai_label"]![0]!.GetValue<string>());
            Assert.Equal("starter", attributes["subscription_tier"]![0]!.GetValue<string>());
        }

        // Idempotent: a second run finds nothing to do and writes nothing.
        var writesBefore = (await Keycloak.CountersAsync())["userWritesTotal"]!.GetValue<int>();
        var again = await RunAsync("rotate");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("keys re-encrypted: 0;", again.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("keys already current: 10;", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(writesBefore, (await Keycloak.CountersAsync())["userWritesTotal"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rotate_DryRun_CountsButChangesNothing()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "rotate walks every user of the realm; run it only against a realm of its own");
        var user = await Keycloak.CreateUserAsync("starter", "dry");
        var token = await PythonFernet.EncryptAsync(OldKey, "sk-dry-run-0123456789");
        await Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["byok_openai_key"] = token });

        var result = await RunAsync("rotate", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Dry run", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("keys to re-encrypt: 1;", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(token, (await Keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_key"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Rotate_KeyNoConfiguredKeyOpens_ReportsItAndExitsNonZero()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "rotate walks every user of the realm; run it only against a realm of its own");
        var user = await Keycloak.CreateUserAsync("starter", "lost");
        var orphan = await PythonFernet.EncryptAsync(Fernet.GenerateKey(), "sk-lost-key-0123456789");
        await Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["byok_openai_key"] = orphan });

        var result = await RunAsync("rotate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keys no configured key decrypts: 1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(orphan, (await Keycloak.GetUserAsync(user.Id))["attributes"]!["byok_openai_key"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Rotate_DisabledUser_ReEncryptsTheirKeysToo()
    {
        // The gateway never writes a disabled user on their behalf, but rotation is the operator's:
        // skipping the user would leave keys no configured key opens once the old key is retired.
        Assert.SkipUnless(Keycloak.IsEmulator, "rotate walks every user of the realm; run it only against a realm of its own");
        var user = await Keycloak.CreateUserAsync("starter", "off");
        await Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["byok_openai_key"] = await PythonFernet.EncryptAsync(OldKey, "sk-disabled-user-0123456789") });
        var representation = await Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await Keycloak.PutUserAsync(user.Id, representation);

        var result = await RunAsync("rotate");

        Assert.Equal(0, result.ExitCode);
        var stored = await Keycloak.GetUserAsync(user.Id);
        Assert.Equal("sk-disabled-user-0123456789", await PythonFernet.DecryptAsync(NewKey, stored["attributes"]!["byok_openai_key"]![0]!.GetValue<string>()));
        Assert.False(stored["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Rotate_KeycloakUnreachable_FailsWithOneLineError()
    {
        var result = await ProcessRunner.RunSidecarAsync(["rotate"], environment: new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEYS"] = $"{NewKey},{OldKey}",
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "irrelevant",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error:", result.StandardError.Trim().Split('\n')[^1], StringComparison.Ordinal);
    }

    private Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunSidecarAsync(arguments, environment: new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEYS"] = $"{NewKey},{OldKey}",
            ["Keycloak__Url"] = Keycloak.Url.ToString(),
            ["Keycloak__ClientSecret"] = Keycloak.Secret,
            ["Keycloak__PageSize"] = "2",
        });
}
