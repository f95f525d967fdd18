using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ByokGateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

/// <summary>Every way a token can be wrong ends in 401 before any other check.</summary>
public sealed class AuthenticationTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "api/v1/byok/providers" },
        { "GET", "api/v1/byok/keys" },
        { "POST", "api/v1/byok/keys/add" },
        { "DELETE", "api/v1/byok/keys/nosuchprovider" },
        { "POST", "api/v1/byok/keys/test/nosuchprovider" },
        { "GET", "api/v1/byok/stats" },
        { "POST", "openai/v1/chat/completions" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_WithoutToken_Returns401ProblemBeforeValidation(string method, string path)
    {
        using var client = Stack.Sidecar.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ExpiredToken_Returns401()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "minting an expired token needs the emulator's realm key");
        var user = await Stack.Keycloak.CreateUserAsync("starter");

        await AssertRejectedAsync(await Stack.Keycloak.MintTokenAsync(user.Username, lifetimeSeconds: -120));
    }

    [Fact]
    public async Task Request_WrongIssuer_Returns401()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "minting a token with another issuer needs the emulator's realm key");
        var user = await Stack.Keycloak.CreateUserAsync("starter");

        await AssertRejectedAsync(await Stack.Keycloak.MintTokenAsync(user.Username, issuer: "http://evil.example/realms/byok"));
    }

    [Fact]
    public async Task Request_WrongAudience_Returns401()
    {
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "minting a token for another audience needs the emulator's realm key");
        var user = await Stack.Keycloak.CreateUserAsync("starter");

        await AssertRejectedAsync(await Stack.Keycloak.MintTokenAsync(user.Username, audience: ["account", "some-other-api"]));
    }

    [Fact]
    public async Task Request_ValidMintedToken_IsAccepted()
    {
        // Control for the three tests above: the same minting with correct values passes.
        Assert.SkipUnless(Stack.Keycloak.IsEmulator, "needs the emulator's token minting");
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await Stack.Keycloak.MintTokenAsync(user.Username));

        using var response = await client.GetAsync("api/v1/byok/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_TokenSignedByAnotherKey_Returns401()
    {
        var real = await (await Stack.Keycloak.CreateUserAsync("starter")).TokenAsync();
        var claims = new JwtSecurityTokenHandler().ReadJwtToken(real).Claims;
        using var rsa = RSA.Create(2048);
        var forged = new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            new JwtHeader(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = ReadKid(real) }, SecurityAlgorithms.RsaSha256)),
            new JwtPayload(claims)));

        await AssertRejectedAsync(forged);
    }

    [Fact]
    public async Task Request_AlgNoneToken_Returns401()
    {
        var real = await (await Stack.Keycloak.CreateUserAsync("starter")).TokenAsync();
        var payload = real.Split('.')[1];
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        await AssertRejectedAsync($"{header}.{payload}.");
    }

    [Fact]
    public async Task Request_HmacTokenSignedWithPublicKeyMaterial_Returns401()
    {
        // The classic algorithm-confusion attack: HS256 "signed" with the realm's public key.
        var real = await (await Stack.Keycloak.CreateUserAsync("starter")).TokenAsync();
        var jwks = await Stack.Keycloak.Http.GetStringAsync($"realms/{KeycloakServer.Realm}/protocol/openid-connect/certs");
        var claims = new JwtSecurityTokenHandler().ReadJwtToken(real).Claims;
        var forged = new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            new JwtHeader(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwks)) { KeyId = ReadKid(real) }, SecurityAlgorithms.HmacSha256)),
            new JwtPayload(claims)));

        await AssertRejectedAsync(forged);
    }

    [Fact]
    public async Task Request_GarbageToken_Returns401()
    {
        await AssertRejectedAsync("not-a-jwt-at-all");
    }

    [Fact]
    public async Task Request_TamperedPayload_Returns401()
    {
        var real = await (await Stack.Keycloak.CreateUserAsync("starter")).TokenAsync();
        var parts = real.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var tampered = Base64UrlEncoder.Encode(payload.Replace("\"starter\"", "\"enterprise\"", StringComparison.Ordinal) + " ");

        await AssertRejectedAsync($"{parts[0]}.{tampered}.{parts[2]}");
    }

    private async Task AssertRejectedAsync(string token)
    {
        using var client = Stack.Sidecar.Client(token);
        using var response = await client.GetAsync("api/v1/byok/keys");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        SecretAssert.Absent(problem.ToJsonString(), token, "the token", "The 401 body");
    }

    private static string ReadKid(string token) => new JwtSecurityTokenHandler().ReadJwtToken(token).Header.Kid;
}
