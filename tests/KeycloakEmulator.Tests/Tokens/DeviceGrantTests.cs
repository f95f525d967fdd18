using System.Net;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tests.Tokens;

public sealed class DeviceGrantTests
{
    private static async Task<JsonObject> StartDeviceLoginAsync(EmulatorHost host)
    {
        using var response = await host.Client.PostAsync("/realms/byok/protocol/openid-connect/auth/device",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "byok-cli" }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await EmulatorHost.ReadObjectAsync(response);
    }

    private static Task<HttpResponseMessage> PollAsync(EmulatorHost host, JsonObject device) =>
        host.TokenRequestAsync(("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", "byok-cli"), ("device_code", device["device_code"]!.GetValue<string>()));

    [Fact]
    public async Task DeviceGrant_ApprovedThroughEmulator_IssuesTokenForThatUser()
    {
        await using var host = await EmulatorHost.StartAsync();
        var device = await StartDeviceLoginAsync(host);
        using var approve = await host.SendAsync(HttpMethod.Post, "/_emulator/realms/byok/device/approve", null,
            new JsonObject { ["user_code"] = device["user_code"]!.GetValue<string>(), ["username"] = "carol" });
        using var response = await PollAsync(host, device);
        var claims = EmulatorHost.Payload((await EmulatorHost.ReadObjectAsync(response))["access_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorHost.CarolId, claims["sub"]!.GetValue<string>());
        Assert.Contains("byok-sidecar", claims["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(host.Issuer + "/device", device["verification_uri"]!.GetValue<string>());
        Assert.Equal(5, device["interval"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeviceGrant_BeforeApproval_ReturnsAuthorizationPending()
    {
        await using var host = await EmulatorHost.StartAsync();
        var device = await StartDeviceLoginAsync(host);
        using var response = await PollAsync(host, device);
        var body = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("authorization_pending", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeviceGrant_PolledAgainWithinInterval_ReturnsSlowDown()
    {
        await using var host = await EmulatorHost.StartAsync();
        var device = await StartDeviceLoginAsync(host);
        using var first = await PollAsync(host, device);
        using var second = await PollAsync(host, device);

        Assert.Equal("authorization_pending", (await EmulatorHost.ReadObjectAsync(first))["error"]!.GetValue<string>());
        Assert.Equal("slow_down", (await EmulatorHost.ReadObjectAsync(second))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeviceAuthorization_ClientWithoutDeviceGrant_Returns400UnauthorizedClient()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.PostAsync("/realms/byok/protocol/openid-connect/auth/device",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "account-console" }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }
}
