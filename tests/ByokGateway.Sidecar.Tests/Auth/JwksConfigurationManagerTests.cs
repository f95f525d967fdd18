using System.Diagnostics;
using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Cryptography;
using ByokGateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

/// <summary>
/// Signing-key changes never lock users out: unknown <c>kid</c>s are re-read single-flight and rate-limited
/// (<c>Auth:JwksRefreshInterval</c>), so neither a forged <c>kid</c> nor a flood of them delays a real rotation.
/// Admin events are off here, so only the unknown-kid path can pick up new keys.
/// </summary>
public sealed class JwksConfigurationManagerTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Auth:JwksRefreshInterval"] = "00:00:01",
        ["AdminEvents:Enabled"] = "false",
    };

    [Fact]
    public async Task UnknownKid_ForgedKidThenKeyRotation_FreshTokenIsAcceptedOnItsFirstRequest()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>(Settings));
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "rotating the realm's keys needs the emulator's control");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        var before = await user.TokenAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, before));

        // The forged kid spends a JWKS read (the old code then refused every new kid for 5 minutes).
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(stack, Forge(before, "forged-" + Guid.NewGuid().ToString("N"))));
        var rotation = await stack.Keycloak.RotateKeysAsync(removeOld: true);
        var fresh = await user.TokenAsync();
        Assert.Equal(rotation["kid"]!.GetValue<string>(), new JwtSecurityTokenHandler().ReadJwtToken(fresh).Header.Kid);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, fresh));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, fresh));
    }

    [Fact]
    public async Task UnknownKid_ManyForgedTokens_CostAtMostOneJwksReadPerInterval()
    {
        await using var stack = await TestGateway.StartAsync(new Dictionary<string, string?>(Settings));
        Assert.SkipUnless(stack.Keycloak.IsEmulator, "counting JWKS reads needs the emulator's counters");
        var user = await stack.Keycloak.CreateUserAsync("starter");
        var real = await user.TokenAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, real));
        await stack.Keycloak.ResetCountersAsync();

        var watch = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => StatusAsync(stack, Forge(real, $"forged-{i}-{Guid.NewGuid():N}"))));
        var elapsed = watch.Elapsed;
        var reads = await stack.Keycloak.JwksReadsAsync();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        // One read per started interval of the run (plus the one that may be running as it ends), never one per token.
        var bound = 2 + (int)Math.Ceiling(elapsed.TotalSeconds / 1.0);
        Assert.True(reads >= 1, "an unknown kid must make the gateway re-read the JWKS");
        Assert.True(reads <= bound, $"{reads} JWKS reads for 200 forged tokens in {elapsed}; at most {bound} expected");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(stack, real));
    }

    private static async Task<HttpStatusCode> StatusAsync(TestGateway stack, string token)
    {
        using var client = stack.Sidecar.Client(token);
        using var response = await client.GetAsync("api/v1/byok/keys");
        return response.StatusCode;
    }

    /// <summary>The real token's claims, signed by a key the realm never had, under <paramref name="kid"/>.</summary>
    private static string Forge(string real, string kid)
    {
        var claims = new JwtSecurityTokenHandler().ReadJwtToken(real).Claims;
        using var rsa = RSA.Create(2048);
        return new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            new JwtHeader(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256)),
            new JwtPayload(claims)));
    }
}
