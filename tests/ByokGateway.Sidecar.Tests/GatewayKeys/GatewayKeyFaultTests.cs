using System.Net;
using System.Text.Json.Nodes;
using ByokGateway.GatewayKeys;
using ByokGateway.Keys;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>
/// Bad gateway keys and failing Keycloak, on a stack of this class's own (its tests run one after
/// another), so the emulator's counters show every Keycloak call the gateway made.
/// </summary>
public sealed class GatewayKeyFaultTests : IAsyncLifetime
{
    private TestGateway _stack = null!;

    public async ValueTask InitializeAsync() => _stack = await TestGateway.StartAsync();

    public async ValueTask DisposeAsync() => await _stack.DisposeAsync();

    public static TheoryData<string> Mutations => new()
    {
        "truncated by one character",
        "truncated to 60 characters",
        "prefix only",
        "one extra character",
        "mistyped in the user id",
        "mistyped in the secret",
        "mistyped in the checksum",
        "two characters swapped",
        "character outside the alphabet",
        "uppercase",
        "spare bit set",
        "wrong prefix",
        "prefix in capitals",
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task Chat_MalformedGatewayKey_Returns401WithoutKeycloakCallOrForwarding(string mutation)
    {
        Assert.SkipUnless(_stack.Keycloak.IsEmulator, "counts Keycloak calls with the emulator's counters");
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        var key = (await tokenClient.NewGatewayKeyAsync()).Token();
        var bad = Mutate(key, mutation);
        Assert.NotEqual(key, bad);
        var counters = (await _stack.Keycloak.CountersAsync()).ToJsonString();
        var forwarded = (await _stack.Provider.RequestsAsync()).Count;
        using var client = _stack.Sidecar.Client();

        using var response = await client.SendAsync(GatewayKeyCalls.Chat(bad, content: user.Id), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        if (bad.StartsWith("bgk_", StringComparison.Ordinal))
        {
            Assert.Contains("malformed", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(counters, (await _stack.Keycloak.CountersAsync()).ToJsonString());
        Assert.Equal(forwarded, (await _stack.Provider.RequestsAsync()).Count);
        SecretAssert.Absent(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), bad[4..], "the presented key", "The 401");
    }

    [Fact]
    public async Task Chat_WellFormedKeyOfAnUnknownUser_ReadsKeycloakOnceHoweverOftenRetried()
    {
        Assert.SkipUnless(_stack.Keycloak.IsEmulator, "counts Keycloak calls with the emulator's counters");
        var nobody = Guid.NewGuid();
        var forged = GatewayKeyFormat.Create(nobody).Token;
        using var client = _stack.Sidecar.Client();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.SendAsync(GatewayKeyCalls.Chat(forged), TestContext.Current.CancellationToken);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(1, await _stack.Keycloak.UserReadsAsync(nobody.ToString("D")));
    }

    [Fact]
    public async Task Chat_WrongSecretForAnExistingUser_ReadsKeycloakOnceHoweverOftenRetried()
    {
        Assert.SkipUnless(_stack.Keycloak.IsEmulator, "counts Keycloak calls with the emulator's counters");
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        await tokenClient.NewGatewayKeyAsync(); // leaves the user's record uncached
        var readsBefore = await _stack.Keycloak.UserReadsAsync(user.Id);
        var forged = GatewayKeyFormat.Create(Guid.Parse(user.Id)).Token;
        using var client = _stack.Sidecar.Client();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.SendAsync(GatewayKeyCalls.Chat(forged, content: user.Id), TestContext.Current.CancellationToken);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(readsBefore + 1, await _stack.Keycloak.UserReadsAsync(user.Id));
    }

    [Fact]
    public async Task Chat_UserDisabledInKeycloak_Returns403OnceTheGatewayHearsOfIt()
    {
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        var key = (await tokenClient.NewGatewayKeyAsync()).Token();
        using var client = _stack.Sidecar.GatewayKeyClient(key);
        await ChatSucceedsAndLastUsedIsWrittenAsync(_stack, client, user);

        var representation = await _stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await _stack.Keycloak.PutUserAsync(user.Id, representation);
        // What the admin-event follower does when Keycloak reports the change (DESIGN.md §8).
        await _stack.Sidecar.Services.GetRequiredService<KeyStore>().InvalidateAsync(user.Id);
        var forwarded = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(GatewayKeyCalls.Chat(key, content: user.Id), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(forwarded, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_UserDeletedInKeycloak_Returns401OnceTheGatewayHearsOfIt()
    {
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = _stack.Sidecar.Client(await user.TokenAsync());
        var key = (await tokenClient.NewGatewayKeyAsync()).Token();
        using var client = _stack.Sidecar.GatewayKeyClient(key);
        await ChatSucceedsAndLastUsedIsWrittenAsync(_stack, client, user);

        using (var deleted = await _stack.Keycloak.AdminSendAsync(HttpMethod.Delete, $"admin/realms/{KeycloakServer.Realm}/users/{user.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await _stack.Sidecar.Services.GetRequiredService<KeyStore>().InvalidateAsync(user.Id);
        var forwarded = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(GatewayKeyCalls.Chat(key, content: user.Id), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(forwarded, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_KeycloakDown_CachedUsersKeyKeepsWorkingAndAColdOneGets503()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cache:Duration"] = "00:00:01" });
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "needs the emulator's fault injection");
        var warm = await stack.Keycloak.CreateUserAsync("starter");
        var cold = await stack.Keycloak.CreateUserAsync("starter");
        using var warmTokenClient = stack.Sidecar.Client(await warm.TokenAsync());
        using var coldTokenClient = stack.Sidecar.Client(await cold.TokenAsync());
        using var warmClient = stack.Sidecar.GatewayKeyClient((await warmTokenClient.NewGatewayKeyAsync()).Token());
        using var coldClient = stack.Sidecar.GatewayKeyClient((await coldTokenClient.NewGatewayKeyAsync()).Token());
        await ChatSucceedsAndLastUsedIsWrittenAsync(stack, warmClient, warm);

        await stack.Keycloak.SetAdminApiFaultAsync("unavailable");
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken); // the entry expires; fail-safe keeps it
        var forwarded = (await stack.Provider.RequestsAsync()).Count;
        using var warmResponse = await warmClient.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: warm.Id), TestContext.Current.CancellationToken);
        using var coldResponse = await coldClient.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: cold.Id), TestContext.Current.CancellationToken);

        await warmResponse.AssertOkJsonAsync();
        var problem = await coldResponse.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Keycloak", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(forwarded + 1, (await stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_KeyRemovedInKeycloakAndCachedRecordPastItsDuration_Returns401()
    {
        // The key's check takes the record from memory only while it is fresh: an administrator
        // who deletes the attribute in Keycloak (no invalidation reaches the gateway) is obeyed
        // once the cache duration is over.
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cache:Duration"] = "00:00:01" });
        var user = await stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = stack.Sidecar.Client(await user.TokenAsync());
        var created = await tokenClient.NewGatewayKeyAsync();
        using var client = stack.Sidecar.GatewayKeyClient(created.Token());
        await ChatSucceedsAndLastUsedIsWrittenAsync(stack, client, user);
        await stack.Keycloak.SetAttributesAsync(user.Id, new Dictionary<string, string?> { ["byok_gk_" + created.Id()] = null });
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken); // the entry expires

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// One successful call, then waits until its <c>last_used</c> day is in Keycloak and calls again,
    /// so the record cached afterwards is current and no write is pending that could race the test.
    /// </summary>
    internal static async Task ChatSucceedsAndLastUsedIsWrittenAsync(TestGateway stack, HttpClient client, TestUser user, string? day = null)
    {
        using (var first = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken))
        {
            await first.AssertOkJsonAsync();
        }

        await WaitForLastUsedAsync(stack, user, day);
        using var second = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id), TestContext.Current.CancellationToken);
        await second.AssertOkJsonAsync();
    }

    /// <summary>Waits (bounded) until every gateway key of the user shows a last_used day (<paramref name="day"/> when given).</summary>
    internal static async Task<JsonObject> WaitForLastUsedAsync(TestGateway stack, TestUser user, string? day = null)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var attributes = (await stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
            var keys = attributes.Where(a => a.Key.StartsWith("byok_gk_", StringComparison.Ordinal))
                .Select(a => JsonNode.Parse(a.Value![0]!.GetValue<string>())!.AsObject()).ToList();
            if (keys.Count > 0 && keys.All(k => k["last_used"] is { } used && (day is null || used.GetValue<string>() == day)))
            {
                return attributes;
            }

            Assert.False(patience.IsCancellationRequested, "last_used was not written within 30 s");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static string Mutate(string key, string mutation)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        string Swap(int index) => key[..index] + key[index + 1] + key[index] + key[(index + 2)..];
        string Replace(int index) => key[..index] + alphabet[(alphabet.IndexOf(key[index], StringComparison.Ordinal) + 1) % 32] + key[(index + 1)..];
        return mutation switch
        {
            "truncated by one character" => key[..^1],
            "truncated to 60 characters" => key[..60],
            "prefix only" => "bgk_" + key[^4..],
            "one extra character" => key + "a",
            "mistyped in the user id" => Replace(10),
            "mistyped in the secret" => Replace(50),
            "mistyped in the checksum" => Replace(key.Length - 2),
            "two characters swapped" => Swap(Enumerable.Range(40, 40).First(i => key[i] != key[i + 1])),
            "character outside the alphabet" => key[..30] + "1" + key[31..],
            "uppercase" => "bgk_" + key[4..].ToUpperInvariant(),
            // 85 characters carry one bit more than the 53 bytes: a key with it set decodes to the same bytes.
            "spare bit set" => key[..^1] + alphabet[alphabet.IndexOf(key[^1], StringComparison.Ordinal) ^ 1],
            "wrong prefix" => "bgx_" + key[4..],
            "prefix in capitals" => "BGK_" + key[4..],
            _ => throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null),
        };
    }
}
