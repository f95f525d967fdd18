using System.Net;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Hosting;

/// <summary>The Account Console's origin may call the management API from the browser; no other origin may.</summary>
public sealed class CorsTests
{
    private const string KeycloakOrigin = "http://localhost:8180";

    [Fact]
    public async Task Preflight_FromKeycloakOrigin_IsAllowedWithAuthorizationHeader()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = KeycloakOrigin });
        using var request = Preflight("api/v1/byok/keys/add", KeycloakOrigin, "POST");

        using var response = await gateway.Sidecar.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(KeycloakOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromOtherOrigin_GetsNoCorsGrant()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = KeycloakOrigin });
        using var request = Preflight("api/v1/byok/keys", "https://evil.example", "GET");

        using var response = await gateway.Sidecar.Client().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Get_FromKeycloakOriginWithToken_CarriesAllowOrigin()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = KeycloakOrigin });
        var user = await gateway.Keycloak.CreateUserAsync("starter");
        using var client = gateway.Sidecar.Client(await user.TokenAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/byok/stats");
        request.Headers.Add("Origin", KeycloakOrigin);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeycloakOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ProxyRoute_FromKeycloakOrigin_GetsNoCorsGrant()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = KeycloakOrigin });
        using var request = Preflight("openai/v1/chat/completions", KeycloakOrigin, "POST");

        using var response = await gateway.Sidecar.Client().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
