using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Unified;

/// <summary>
/// A gateway stack for the <c>/v1</c> tests: a rule <c>gpt-*</c> → openai, cohere without an
/// OpenAI-compatible path, mistral on a closed port (down), together on a server that accepts
/// connections and never answers (hangs), and provider keys for the providers the tests use.
/// </summary>
public sealed class UnifiedGateway : IAsyncLifetime
{
    public const string OpenAiKey = "sk-user-valid-openai-0001";
    public const string AnthropicKey = "sk-ant-user-valid-0001";
    public const string GroqKey = "gsk_user_valid_groq_0001";
    public const string GeminiKey = "gemini-user-valid-0001";
    public const string DeepSeekKey = "deepseek-user-valid-0001";
    public const string MistralKey = "mistral-user-valid-0001";
    public const string TogetherKey = "together-user-valid-0001";
    public const string CustomKey = "custom-user-valid-0001";

    /// <summary>How far the gateway may read for "model" in this stack.</summary>
    public const int MaxModelSearchBytes = 24 * 1024 * 1024;

    private readonly TcpListener _hanging = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private TestGateway? _stack;

    public TestGateway Stack => _stack ?? throw new InvalidOperationException("The unified stack is not started.");

    public async ValueTask InitializeAsync()
    {
        _hanging.Start();
        _ = HoldConnectionsAsync();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        _stack = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Unified:Rules:0:Pattern"] = "gpt-*",
            ["Unified:Rules:0:Provider"] = "openai",
            ["Unified:MaxModelSearchBytes"] = MaxModelSearchBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Unified:ModelsTimeout"] = "00:00:01",
            ["Providers:cohere:OpenAiPath"] = "",
            ["Providers:mistral:BaseUrl"] = $"http://127.0.0.1:{closedPort}",
            ["Providers:together:BaseUrl"] = $"http://127.0.0.1:{((IPEndPoint)_hanging.LocalEndpoint).Port}",
        });

        // The fake accepts the shared stack's keys plus one per provider these tests use.
        string[] keys =
        [
            TestGateway.SystemOpenAiKey, TestGateway.SystemAnthropicKey, .. TestGateway.ValidUserKeys,
            GeminiKey, DeepSeekKey, MistralKey, TogetherKey,
        ];
        (await Stack.Provider.Http.PutAsJsonAsync("_fake/keys", keys)).EnsureSuccessStatusCode();
    }

    /// <summary>A new user of tier starter with an own key for each of <paramref name="keys"/> (provider → key); the client sends the user's token.</summary>
    public async Task<(TestUser User, HttpClient Client)> UserWithKeysAsync(params (string Provider, string Key)[] keys)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var client = Stack.Sidecar.Client(await user.TokenAsync());
        foreach (var (provider, key) in keys)
        {
            var endpoint = provider == "custom" ? new Uri(Stack.Provider.Url, "my-llm").ToString() : null;
            await (await client.AddKeyAsync(provider, key, endpoint: endpoint)).AssertOkJsonAsync();
        }

        return (user, client);
    }

    /// <summary>The last request the fake provider saw whose body contains <paramref name="marker"/>.</summary>
    public async Task<JsonObject> LastUpstreamAsync(string marker) =>
        (await Stack.Provider.RequestsAsync()).Select(r => r!.AsObject())
            .Last(r => r["body"]?.GetValue<string>() is { } body && body.Contains(marker, StringComparison.Ordinal));

    public async Task<int> UpstreamCountAsync() => (await Stack.Provider.RequestsAsync()).Count;

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        _hanging.Stop();
        foreach (var client in _held)
        {
            client.Dispose();
        }
    }

    // Accepts and holds every connection without answering: a provider that hangs.
    private async Task HoldConnectionsAsync()
    {
        try
        {
            while (true)
            {
                _held.Add(await _hanging.AcceptTcpClientAsync());
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }
}
