using ByokGateway.Crypto;
using ByokGateway.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// Keycloak (emulator or real), the fake provider and the sidecar wired together as in
/// <c>make dev</c>: every provider's base URL points at the fake provider.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    public const string SystemOpenAiKey = "sk-system-openai-0123456789";
    public const string SystemAnthropicKey = "sk-ant-system-0123456789";

    /// <summary>Keys the fake provider accepts besides the system keys.</summary>
    public static readonly string[] ValidUserKeys =
    [
        "sk-user-valid-openai-0001", "sk-user-valid-openai-0002", "sk-user-valid-openai-0003",
        "sk-ant-user-valid-0001", "gsk_user_valid_groq_0001", "custom-user-valid-0001",
    ];

    private TestGateway(KeycloakServer keycloak, FakeProviderServer provider, SidecarServer sidecar, string encryptionKey, IReadOnlyDictionary<string, string?> settings)
    {
        Settings = settings;
        Keycloak = keycloak;
        Provider = provider;
        Sidecar = sidecar;
        EncryptionKey = encryptionKey;
    }

    public KeycloakServer Keycloak { get; }

    public FakeProviderServer Provider { get; }

    public SidecarServer Sidecar { get; }

    public string EncryptionKey { get; }

    /// <summary>The sidecar's settings, to start more replicas of it (<see cref="StartReplica"/>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Another sidecar with the same settings, Keycloak and provider: a second replica.</summary>
    public SidecarServer StartReplica() => SidecarServer.Start(new Dictionary<string, string?>(Settings));

    public static async Task<TestGateway> StartAsync(
        IDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? services = null,
        KeycloakServer? keycloak = null)
    {
        keycloak ??= await KeycloakServer.StartAsync();
        var provider = await FakeProviderServer.StartAsync([SystemOpenAiKey, SystemAnthropicKey, .. ValidUserKeys]);
        var encryptionKey = Fernet.GenerateKey();
        var settings = new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = encryptionKey,
            ["Keycloak:Url"] = keycloak.Url.ToString(),
            ["Keycloak:ClientSecret"] = keycloak.Secret,
            ["OPENAI_API_KEY"] = SystemOpenAiKey,
            ["ANTHROPIC_API_KEY"] = SystemAnthropicKey,
            ["OutboundGuard:AllowHttp"] = "true",
            ["OutboundGuard:AllowPrivateNetworks"] = "true",
            ["Serilog:MinimumLevel:Default"] = "Verbose",
            // The fake provider's test controls (x-fake-gate) are headers no real provider takes.
            ["Proxy:AdditionalRequestHeaders:0"] = "x-fake-*",
            // Replicas of this gateway share its ledger file.
            ["Ledger:DataDirectory"] = SidecarServer.NewLedgerDirectory(),
        };
        foreach (var id in new[] { "openai", "anthropic", "huggingface", "cohere", "together", "perplexity", "groq", "openrouter", "gemini", "mistral", "deepseek" })
        {
            settings[$"Providers:{id}:BaseUrl"] = provider.Url.ToString();
            settings[$"Providers:{id}:Test:BaseUrl"] = provider.Url.ToString();
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var sidecar = SidecarServer.Start(settings, services);
        return new TestGateway(keycloak, provider, sidecar, encryptionKey, settings);
    }

    /// <summary>A gateway with production guard settings (https only, no private networks) and a DNS the test controls.</summary>
    public static Task<TestGateway> StartStrictAsync(IDnsResolver dns) => StartAsync(
        new Dictionary<string, string?> { ["OutboundGuard:AllowHttp"] = "false", ["OutboundGuard:AllowPrivateNetworks"] = "false" },
        services =>
        {
            services.RemoveAll<IDnsResolver>();
            services.AddSingleton(dns);
        });

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await Provider.DisposeAsync();
        await Keycloak.DisposeAsync();
        if (Settings.GetValueOrDefault("Ledger:DataDirectory") is { } ledger && ledger.Contains("byok-ledger-tests", StringComparison.Ordinal))
        {
            SidecarServer.DeleteLedgerDirectory(ledger);
        }
    }
}
