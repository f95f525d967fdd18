using System.Net;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tests.Testing;

public sealed class EmulatorControlEndpointsTests
{
    [Fact]
    public async Task Counters_AfterUserReadsAndWrites_CountPerUser()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        await host.GetUserAsync(EmulatorHost.BobId, token);
        await host.GetUserAsync(EmulatorHost.BobId, token);
        using var put = await host.SendAsync(HttpMethod.Put, $"/admin/realms/byok/users/{EmulatorHost.AliceId}", token, new JsonObject { ["enabled"] = true });
        using var list = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users", token);
        var counters = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/_emulator/counters", TestContext.Current.CancellationToken));

        Assert.Equal(2, counters["userReads"]![EmulatorHost.BobId]!.GetValue<int>());
        Assert.Equal(2, counters["userReadsTotal"]!.GetValue<int>());
        Assert.Equal(1, counters["userWrites"]![EmulatorHost.AliceId]!.GetValue<int>());
        Assert.Equal(1, counters["userListReads"]!.GetValue<int>());
        Assert.Equal(1, counters["tokenRequests"]!["byok-sidecar"]!.GetValue<int>());
    }

    [Fact]
    public async Task CountersReset_AfterReads_StartsFromZero()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.GetUserAsync(EmulatorHost.BobId, await host.ServiceAccountTokenAsync());
        using var reset = await host.Client.PostAsync("/_emulator/counters/reset", null, TestContext.Current.CancellationToken);
        var counters = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/_emulator/counters", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(0, counters["userReadsTotal"]!.GetValue<int>());
        Assert.Empty(counters["tokenRequests"]!.AsObject());
    }

    [Fact]
    public async Task Faults_AdminUnavailable_AdminApiAnswers503WhileTokensWork()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var set = await host.SendAsync(HttpMethod.Put, "/_emulator/faults", null, new JsonObject { ["adminApi"] = "unavailable" });
        var token = await host.ServiceAccountTokenAsync();
        using var during = await host.SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{EmulatorHost.BobId}", token);
        using var certs = await host.Client.GetAsync("/realms/byok/protocol/openid-connect/certs", TestContext.Current.CancellationToken);
        var faults = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/_emulator/faults", TestContext.Current.CancellationToken));
        using var clear = await host.SendAsync(HttpMethod.Put, "/_emulator/faults", null, new JsonObject { ["adminApi"] = "none" });
        using var after = await host.SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{EmulatorHost.BobId}", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, certs.StatusCode);
        Assert.Equal("unavailable", faults["adminApi"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task MintToken_AudienceAndIssuerOverrides_AreSignedWithRealmKey()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.SendAsync(HttpMethod.Post, "/_emulator/realms/byok/tokens", null, new JsonObject
        {
            ["username"] = "bob",
            ["audience"] = new JsonArray("someone-else"),
            ["issuer"] = "http://attacker.test/realms/byok",
            ["extraClaims"] = new JsonObject { ["custom"] = "x" },
        });
        var jwt = (await EmulatorHost.ReadObjectAsync(response))["access_token"]!.GetValue<string>();
        var claims = EmulatorHost.Payload(jwt);
        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await host.Client.GetStringAsync("/realms/byok/protocol/openid-connect/certs", TestContext.Current.CancellationToken));
        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(jwt, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });

        Assert.Equal("someone-else", claims["aud"]!.GetValue<string>());
        Assert.Equal("http://attacker.test/realms/byok", claims["iss"]!.GetValue<string>());
        Assert.Equal("x", claims["custom"]!.GetValue<string>());
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task RotateKeys_KeepingTheOldKey_NewKeySignsAndBothVerify()
    {
        await using var host = await EmulatorHost.StartAsync();
        var before = await host.ServiceAccountTokenAsync();
        var oldKid = Kid(before);

        var rotation = await RotateAsync(host, removeOld: false);
        var after = await host.ServiceAccountTokenAsync();
        var jwks = await JwksKidsAsync(host);
        using var adminWithOldToken = await host.SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{EmulatorHost.BobId}", before);

        Assert.Equal(oldKid, rotation["previousKid"]!.GetValue<string>());
        Assert.Equal(rotation["kid"]!.GetValue<string>(), Kid(after));
        Assert.NotEqual(oldKid, Kid(after));
        Assert.Equal([Kid(after), oldKid], jwks);
        Assert.Empty(rotation["removedKids"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, adminWithOldToken.StatusCode);
    }

    [Fact]
    public async Task RotateKeys_RemovingTheOldKey_OldKeyLeavesTheJwksAndItsTokensAreRefused()
    {
        await using var host = await EmulatorHost.StartAsync();
        var before = await host.ServiceAccountTokenAsync();

        var rotation = await RotateAsync(host, removeOld: true);
        var jwks = await JwksKidsAsync(host);
        using var adminWithOldToken = await host.SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{EmulatorHost.BobId}", before);
        using var adminWithNewToken = await host.SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{EmulatorHost.BobId}", await host.ServiceAccountTokenAsync());

        Assert.Equal([rotation["kid"]!.GetValue<string>()], jwks);
        Assert.Equal([Kid(before)], rotation["removedKids"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, adminWithOldToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminWithNewToken.StatusCode);
    }

    [Fact]
    public async Task RotateKeys_RecordsComponentAdminEventsAsAnAdminAddingAndDeletingAKeyProvider()
    {
        await using var host = await EmulatorHost.StartAsync();

        var rotation = await RotateAsync(host, removeOld: true);
        using var response = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/admin-events?direction=asc", await host.ServiceAccountTokenAsync());
        var events = (await EmulatorHost.ReadAsync(response)).AsArray().Select(e => e!.AsObject()).ToList();

        Assert.Equal(2, events.Count);
        Assert.Equal(("CREATE", "COMPONENT", $"components/{rotation["componentId"]!.GetValue<string>()}"), Describe(events[0]));
        Assert.Equal("DELETE", events[1]["operationType"]!.GetValue<string>());
        Assert.StartsWith("components/", events[1]["resourcePath"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual(events[0]["resourcePath"]!.GetValue<string>(), events[1]["resourcePath"]!.GetValue<string>());
        Assert.All(events, e => Assert.Equal("00000000-0000-4000-8000-00000000ad01", e["authDetails"]!["userId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Counters_JwksAndDiscoveryReads_AreCountedAndReset()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.Client.GetStringAsync("/realms/byok/.well-known/openid-configuration", TestContext.Current.CancellationToken);
        await JwksKidsAsync(host);
        await JwksKidsAsync(host);

        var counters = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/_emulator/counters", TestContext.Current.CancellationToken));
        using var reset = await host.Client.PostAsync("/_emulator/counters/reset", null, TestContext.Current.CancellationToken);
        var afterReset = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/_emulator/counters", TestContext.Current.CancellationToken));

        Assert.Equal(2, counters["jwksReads"]!.GetValue<int>());
        Assert.Equal(1, counters["discoveryReads"]!.GetValue<int>());
        Assert.Equal(0, afterReset["jwksReads"]!.GetValue<int>());
    }

    private static async Task<JsonObject> RotateAsync(EmulatorHost host, bool removeOld)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/_emulator/realms/byok/keys/rotate", null, new JsonObject { ["removeOld"] = removeOld });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await EmulatorHost.ReadObjectAsync(response);
    }

    private static async Task<List<string>> JwksKidsAsync(EmulatorHost host)
    {
        var jwks = JsonNode.Parse(await host.Client.GetStringAsync("/realms/byok/protocol/openid-connect/certs", TestContext.Current.CancellationToken))!;
        return [.. jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];
    }

    private static string Kid(string jwt)
    {
        var part = jwt.Split('.')[0].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonNode.Parse(Convert.FromBase64String(part))!["kid"]!.GetValue<string>();
    }

    private static (string, string, string) Describe(JsonObject e) =>
        (e["operationType"]!.GetValue<string>(), e["resourceType"]!.GetValue<string>(), e["resourcePath"]!.GetValue<string>());
}
