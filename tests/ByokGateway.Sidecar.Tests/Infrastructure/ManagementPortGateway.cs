using System.Globalization;
using System.Net.Http.Headers;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// A gateway stack with a management port (<c>Management:Port</c>), as the container image runs
/// it: the main port is <see cref="TestGateway.Sidecar"/>'s URL, the management port <see cref="Url"/>.
/// </summary>
public sealed class ManagementPortGateway : IAsyncLifetime
{
    private TestGateway? _stack;

    public TestGateway Stack => _stack ?? throw new InvalidOperationException("The stack is not started.");

    public int Port { get; private set; }

    /// <summary>The management port on loopback.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client for the management port; with a token, it sends it as a bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask InitializeAsync()
    {
        Port = ServerAddress.FreePort();
        _stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Management:Port"] = Port.ToString(CultureInfo.InvariantCulture) });
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
