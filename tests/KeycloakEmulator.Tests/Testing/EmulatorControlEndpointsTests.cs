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
}
