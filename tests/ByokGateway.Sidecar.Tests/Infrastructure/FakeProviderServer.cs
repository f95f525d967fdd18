extern alias fake;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using fake::FakeProvider;
using Microsoft.AspNetCore.Builder;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>The fake LLM provider on a loopback port, with what it received.</summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeProviderServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Http = new HttpClient { BaseAddress = url };
    }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public static Task<FakeProviderServer> StartAsync(params string[] keys) => StartWithLagoAsync(lagoApiKey: null, keys);

    /// <summary>With its Lago stand-in (<c>/lago/api/v1/events/batch</c>) accepting <paramref name="lagoApiKey"/>.</summary>
    public static async Task<FakeProviderServer> StartWithLagoAsync(string? lagoApiKey, params string[] keys)
    {
        var app = FakeProviderApp.Create(["--urls", "http://127.0.0.1:0"], options =>
        {
            foreach (var key in keys)
            {
                options.Keys.Add(key);
            }

            options.LagoApiKey = lagoApiKey;
        });
        await app.StartAsync();
        return new FakeProviderServer(app, ServerAddress.Of(app));
    }

    /// <summary>Every provider request received so far, oldest first.</summary>
    public async Task<JsonArray> RequestsAsync() => (await Http.GetFromJsonAsync<JsonArray>("_fake/requests"))!;

    /// <summary>
    /// How many requests carried <paramref name="marker"/> in their body. Test classes run in
    /// parallel against the shared stack, so "nothing was forwarded" counts only the test's own
    /// requests (a user id or a fresh marker in the body), not every request the fake received.
    /// </summary>
    public async Task<int> RequestsWithBodyAsync(string marker) =>
        (await RequestsAsync()).Count(r => r?["body"]?.GetValue<string>()?.Contains(marker, StringComparison.Ordinal) == true);

    /// <summary>The last request that carried <paramref name="key"/> (keys are the tests' way to tell their requests apart).</summary>
    public async Task<JsonObject> LastRequestWithKeyAsync(string key) =>
        (await RequestsAsync()).Select(r => r!.AsObject()).Last(r => r["key"]?.GetValue<string>() == key);

    /// <summary>The Lago stand-in's listing: <c>{"count","repeats","events":[...]}</c>.</summary>
    public async Task<JsonObject> LagoEventsAsync() => (await Http.GetFromJsonAsync<JsonObject>("lago/events"))!;

    public async Task ClearRequestsAsync() => (await Http.DeleteAsync("_fake/requests")).EnsureSuccessStatusCode();

    public async Task OpenGateAsync(string name) => (await Http.PostAsync($"_fake/gates/{name}/open", null)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}
