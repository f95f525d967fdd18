using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FakeProvider.Tests.Support;

/// <summary>
/// The fake provider on a real Kestrel port of 127.0.0.1, in process, with a real HttpClient.
/// Used as a class fixture (one server per test class) or started by a test that changes keys.
/// </summary>
public sealed class FakeProviderServer : IAsyncLifetime
{
    public const string ValidKey = "sk-fake-valid-0123456789";
    public const string MarkerHeader = "x-test-marker";

    private static readonly TimeSpan PollBound = TimeSpan.FromSeconds(30);

    private readonly string[] _args;
    private readonly Action<FakeProviderOptions> _configure;
    private WebApplication? _app;

    public FakeProviderServer()
        : this([], o => o.Keys.Add(ValidKey))
    {
    }

    private FakeProviderServer(string[] extraArgs, Action<FakeProviderOptions> configure)
    {
        _args = ["--urls", "http://127.0.0.1:0", .. extraArgs];
        _configure = configure;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static async Task<FakeProviderServer> StartAsync(string[] extraArgs, Action<FakeProviderOptions> configure)
    {
        var server = new FakeProviderServer(extraArgs, configure);
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        _app = FakeProviderApp.Create(_args, _configure);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = ValidKey, string keyHeader = "authorization", string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            if (keyHeader == "authorization")
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                request.Headers.Add(keyHeader, key);
            }
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static string ChatBody(string model, string userText, bool stream = false, bool includeUsage = false) =>
        new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 64,
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new JsonObject { ["include_usage"] = true } : null,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = userText }),
        }.ToJsonString();

    public async Task<JsonArray> RequestsAsync(CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync(new Uri("/_fake/requests", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (JsonArray)JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
    }

    /// <summary>The recorded request whose <see cref="MarkerHeader"/> is <paramref name="marker"/>, or null.</summary>
    public async Task<JsonObject?> RecordedAsync(string marker, CancellationToken cancellationToken)
    {
        var requests = await RequestsAsync(cancellationToken);
        return requests.OfType<JsonObject>().SingleOrDefault(r =>
            r["headers"]?[MarkerHeader]?[0]?.GetValue<string>() == marker);
    }

    /// <summary>
    /// Polls the request log until the marked request satisfies <paramref name="condition"/>. Bounded by a
    /// generous token so a broken server fails the test instead of hanging it; no duration is asserted.
    /// </summary>
    public async Task<JsonObject> WaitForRecordedAsync(string marker, Func<JsonObject, bool> condition, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(PollBound);
        while (true)
        {
            var record = await RecordedAsync(marker, bound.Token);
            if (record is not null && condition(record))
            {
                return record;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
        }
    }

    public async Task OpenGateAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await Client.PostAsync(new Uri($"/_fake/gates/{name}/open", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
