using System.Security.Claims;
using System.Security.Cryptography;
using ByokGateway.Auth;
using ByokGateway.Keycloak;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

/// <summary>
/// The sidecar's JWT bearer authentication as AddByokAuth wires it, with a realm key whose use is
/// counted: a token's signature is checked once while the token is valid, again from its exp on,
/// and a token that fails any check is checked (and refused) every time.
/// </summary>
public sealed class ByokAuthenticationTests : IAsyncDisposable
{
    private const string Issuer = "http://keycloak.test/realms/byok";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly WebApplication _app;
    private int _signatureChecks;

    public ByokAuthenticationTests()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "realm-key" };
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Keycloak:Url"] = "http://keycloak.test";
        builder.Configuration["Keycloak:ClientSecret"] = "unused";
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddOptions<KeycloakOptions>().BindConfiguration(KeycloakOptions.SectionName);
        builder.AddByokAuth();
        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) =>
            {
                Interlocked.Increment(ref _signatureChecks);
                return [_key];
            };
        });
        _app = builder.Build();
    }

    [Fact]
    public async Task Authenticate_SameTokenTwice_ChecksTheSignatureOnce()
    {
        var token = Token(TimeSpan.FromMinutes(5));

        var first = await AuthenticateAsync(token);
        var second = await AuthenticateAsync(token);

        Assert.Equal("user-1", first?.FindFirstValue("sub"));
        Assert.Equal("user-1", second?.FindFirstValue("sub"));
        Assert.Equal(1, _signatureChecks);
    }

    [Fact]
    public async Task Authenticate_FromTheTokensExpOn_ChecksTheSignatureAgain()
    {
        var token = Token(TimeSpan.FromMinutes(5));
        var exp = new JsonWebToken(token).ValidTo;
        await AuthenticateAsync(token);

        _time.SetUtcNow(new DateTimeOffset(exp).AddSeconds(-1));
        Assert.NotNull(await AuthenticateAsync(token));
        Assert.Equal(1, _signatureChecks);

        // The cache's clock has passed exp; the full validation (real clock) runs again.
        _time.SetUtcNow(new DateTimeOffset(exp));
        Assert.NotNull(await AuthenticateAsync(token));
        Assert.Equal(2, _signatureChecks);
    }

    [Fact]
    public async Task Authenticate_IdToken_IsRefusedEveryTimeAndNeverRemembered()
    {
        var token = Token(TimeSpan.FromMinutes(5), typ: "ID");

        Assert.Null(await AuthenticateAsync(token));
        Assert.Null(await AuthenticateAsync(token));

        Assert.Equal(2, _signatureChecks);
        Assert.False(_app.Services.GetRequiredService<TokenValidationCache>().TryGet(token, out _));
    }

    [Fact]
    public async Task Authenticate_ChangedCopyOfARememberedToken_IsRefused()
    {
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.NotNull(await AuthenticateAsync(token));
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"user-1\"", "\"user-2\"", StringComparison.Ordinal);

        Assert.Null(await AuthenticateAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}"));
        Assert.Null(await AuthenticateAsync(token + "x"));
        Assert.Equal("user-1", (await AuthenticateAsync(token))?.FindFirstValue("sub"));
    }

    [Fact]
    public async Task Authenticate_ExpiredToken_IsRefusedAndNotRemembered()
    {
        var token = Token(TimeSpan.FromMinutes(-5));

        Assert.Null(await AuthenticateAsync(token));

        Assert.Equal(0, _app.Services.GetRequiredService<TokenValidationCache>().Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private async Task<ClaimsPrincipal?> AuthenticateAsync(string token)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + token;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Succeeded ? result.Principal : null;
    }

    /// <summary>A token whose lifetime is relative to real time: the handler's own lifetime check uses the system clock.</summary>
    private string Token(TimeSpan lifetime, string typ = "Bearer")
    {
        var now = DateTime.UtcNow;
        var expires = now + lifetime;
        var issued = expires < now ? expires.AddMinutes(-5) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "byok-sidecar",
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = "user-1", ["typ"] = typ },
        });
    }
}
