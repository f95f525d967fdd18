using System.Net;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tests.Tokens;

public sealed class DiscoveryEndpointsTests
{
    [Fact]
    public async Task Discovery_ByokRealm_ReturnsIssuerAndEndpoints()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.GetAsync("/realms/byok/.well-known/openid-configuration", TestContext.Current.CancellationToken);
        var doc = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(host.Issuer, doc["issuer"]!.GetValue<string>());
        Assert.Equal(host.Issuer + "/protocol/openid-connect/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal(host.Issuer + "/protocol/openid-connect/certs", doc["jwks_uri"]!.GetValue<string>());
        Assert.Equal(host.Issuer + "/protocol/openid-connect/auth/device", doc["device_authorization_endpoint"]!.GetValue<string>());
        Assert.Contains("RS256", doc["id_token_signing_alg_values_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code", doc["grant_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Certs_Always_ReturnsOneRs256SigningKey()
    {
        await using var host = await EmulatorHost.StartAsync();
        var jwks = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/realms/byok/protocol/openid-connect/certs", TestContext.Current.CancellationToken));

        var key = Assert.Single(jwks["keys"]!.AsArray())!.AsObject();
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
        Assert.Equal("RS256", key["alg"]!.GetValue<string>());
        Assert.Equal("sig", key["use"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(key["kid"]!.GetValue<string>()));
        Assert.Equal(256, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key["n"]!.GetValue<string>()).Length);
    }

    [Fact]
    public async Task Discovery_UnknownRealm_Returns404RealmDoesNotExist()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.GetAsync("/realms/nope/.well-known/openid-configuration", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Realm does not exist", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_HostnameConfigured_UsesItForIssuer()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Hostname = "http://keycloak.test:8080");
        var doc = await EmulatorHost.ReadObjectAsync(await host.Client.GetAsync("/realms/byok/.well-known/openid-configuration", TestContext.Current.CancellationToken));
        var token = await host.PasswordTokenAsync("bob");

        Assert.Equal("http://keycloak.test:8080/realms/byok", doc["issuer"]!.GetValue<string>());
        Assert.Equal("http://keycloak.test:8080/realms/byok", EmulatorHost.Payload(token["access_token"]!.GetValue<string>())["iss"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_HostnameFromConfigurationArgument_IsBound()
    {
        var app = EmulatorApp.Create(["--urls", "http://127.0.0.1:0", "--Emulator:Hostname=http://from-args.test", "--Emulator:Variables:BYOK_SIDECAR_SECRET=x"]);
        await using var _ = app;
        var options = (Microsoft.Extensions.Options.IOptions<EmulatorOptions>)app.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<EmulatorOptions>))!;

        Assert.Equal("http://from-args.test", options.Value.Hostname);
        Assert.Equal("x", options.Value.Variables["BYOK_SIDECAR_SECRET"]);
        Assert.EndsWith("realm-export/byok-realm.json", options.Value.RealmFiles.Single().Replace('\\', '/'), StringComparison.Ordinal);
    }
}
