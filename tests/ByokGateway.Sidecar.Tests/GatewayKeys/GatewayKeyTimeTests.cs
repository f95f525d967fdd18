using System.Net;
using ByokGateway.Keys;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>Expiry and the <c>last_used</c> day, with the gateway's clock in the test's hand.</summary>
public sealed class GatewayKeyTimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestGateway _stack = null!;

    public async ValueTask InitializeAsync() =>
        _stack = await TestGateway.StartAsync(services: services => services.AddSingleton<TimeProvider>(_time));

    public async ValueTask DisposeAsync() => await _stack.DisposeAsync();

    private string Today => ByokGateway.Keys.ByokAttributes.FormatDay(DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));

    [Fact]
    public async Task Chat_KeyPastItsExpiry_Returns401SayingItExpired()
    {
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        var key = (await tokenClient.NewGatewayKeyAsync("short-lived", expiresInDays: 1)).Token();
        using var client = _stack.Sidecar.GatewayKeyClient(key);
        using (var valid = await client.SendAsync(Chat(user), TestContext.Current.CancellationToken))
        {
            await valid.AssertOkJsonAsync();
        }

        _time.Advance(TimeSpan.FromDays(1));
        var forwarded = (await _stack.Provider.RequestsAsync()).Count;
        using var response = await client.SendAsync(Chat(user), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(forwarded, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_ManyCallsOverTwoDays_WritesLastUsedOncePerDay()
    {
        Assert.SkipUnless(_stack.Keycloak.IsEmulator, "counts writes with the emulator's counters");
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        var created = await tokenClient.NewGatewayKeyAsync();
        using var client = _stack.Sidecar.GatewayKeyClient(created.Token());
        var writesBefore = await UserWritesAsync(user);

        await CallAsync(client, user, 20);
        var day1 = Today;
        await GatewayKeyFaultTests.WaitForLastUsedAsync(_stack, user, day1);
        await CallAsync(client, user, 20);
        _time.Advance(TimeSpan.FromDays(1));
        await CallAsync(client, user, 20);
        var day2 = Today;
        await GatewayKeyFaultTests.WaitForLastUsedAsync(_stack, user, day2);

        // The writer works through its queue in order: a second write of day 1 would have come first.
        Assert.Equal(writesBefore + 2, await UserWritesAsync(user));
        Assert.NotEqual(day1, day2);
        var list = (await (await tokenClient.GetAsync("api/v1/byok/tokens", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsArray();
        Assert.Equal(day2, list.Single()!["last_used"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_KeycloakSlowToRecordLastUse_CallDoesNotWaitForIt()
    {
        // A stack of its own: the write held up here would hold up the other tests' writes. Without
        // the admin-events follower: the gateway's own last_used write comes back as an admin event
        // that (rightly) drops the cached record, and the call would then wait for the held-up read.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await TestGateway.StartAsync(
            new Dictionary<string, string?> { ["Keycloak:RequestTimeout"] = "00:05:00", ["AdminEvents:Enabled"] = "false" },
            services => services.AddSingleton<TimeProvider>(time));
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = stack.Sidecar.Client(await user.TokenAsync());
        using var client = stack.Sidecar.GatewayKeyClient((await tokenClient.NewGatewayKeyAsync()).Token());
        await GatewayKeyFaultTests.ChatSucceedsAndLastUsedIsWrittenAsync(stack, client, user);
        await WaitUntilCachedAfterLastUseWriteAsync(stack, client, user);

        // A new day: this call queues a last_used write, which Keycloak holds for 10 minutes (the
        // gateway waits up to 5 for it). The call itself is answered from the cached record.
        time.Advance(TimeSpan.FromDays(1));
        await stack.Keycloak.SetAdminApiDelayAsync(600_000);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(Chat(user), patience.Token);

        await response.AssertOkJsonAsync();
        await stack.Keycloak.SetAdminApiDelayAsync(0);
    }

    /// <summary>
    /// The writer drops the cached record only after it has re-read its write from Keycloak, which can
    /// be after Keycloak already shows <c>last_used</c>. If that drop came once Keycloak is held up, the
    /// next call would have to wait for the held-up read. So this calls (bounded) until the cache holds a
    /// record read after the write, one that shows <c>last_used</c>.
    /// </summary>
    private static async Task WaitUntilCachedAfterLastUseWriteAsync(TestGateway stack, HttpClient client, TestUser user)
    {
        var keyStore = stack.Sidecar.Services.GetRequiredService<KeyStore>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (!(keyStore.TryGetCached(user.Id, out var cached) && cached is { GatewayKeys: [_, ..] keys } && keys.All(k => k.LastUsed is not null)))
        {
            using var response = await client.SendAsync(Chat(user), patience.Token);
            await response.AssertOkJsonAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
        }
    }

    private static HttpRequestMessage Chat(TestUser user) => ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id);

    private static async Task CallAsync(HttpClient client, TestUser user, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await client.SendAsync(Chat(user), TestContext.Current.CancellationToken);
            await response.AssertOkJsonAsync();
        }
    }

    private async Task<int> UserWritesAsync(TestUser user) =>
        (await _stack.Keycloak.CountersAsync())["userWrites"]?[user.Id]?.GetValue<int>() ?? 0;
}
