using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ByokGateway.Auth;
using ByokGateway.Crypto;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Benchmarks.Auth;

/// <summary>
/// Checking a caller's Keycloak access token (RS256, 2048-bit realm key, claims shaped like
/// Keycloak's): the token handler alone, with and without the validation cache, and the whole
/// authentication step of a request as the sidecar configures it.
/// </summary>
[MemoryDiagnoser]
public class JwtValidationBenchmarks
{
    internal const string Issuer = "http://127.0.0.1:9/realms/byok";
    private static readonly string[] RealmRoles = ["default-roles-byok", "offline_access", "uma_authorization"];
    private static readonly string[] AccountRoles = ["manage-account", "view-profile"];

    private WebApplication _app = null!;
    private RSA _rsa = null!;
    private string _token = null!;
    private TokenValidationParameters _parameters = null!;
    private JsonWebTokenHandler _handler = null!;
    private TokenValidationCache _cache = null!;
    private IServiceScopeFactory _scopes = null!;
    private string _authorization = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(_rsa) { KeyId = "bench" };
        _token = KeycloakLikeToken(key);
        _authorization = "Bearer " + _token; // Kestrel reuses the header string of a keep-alive connection

        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(key);
        _app = SidecarServices.Build(Fernet.GenerateKey(), services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
                jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration)));
        _scopes = _app.Services.GetRequiredService<IServiceScopeFactory>();

        var jwt = _app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        _parameters = jwt.TokenValidationParameters.Clone();
        _parameters.IssuerSigningKey = key;
        _handler = new JsonWebTokenHandler { MapInboundClaims = false };
        _cache = _app.Services.GetRequiredService<TokenValidationCache>();

        if (!ValidateSignature().GetAwaiter().GetResult().IsValid
            || AuthenticateRequest().GetAwaiter().GetResult()?.FindFirstValue("sub") is null || !CacheLookup())
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rsa.Dispose();
    }

    /// <summary>Parsing and the RS256 signature check: what every request paid before the cache.</summary>
    [Benchmark(Baseline = true)]
    public Task<TokenValidationResult> ValidateSignature() => _handler.ValidateTokenAsync(_token, _parameters);

    /// <summary>Finding the token in the validation cache.</summary>
    [Benchmark]
    public bool CacheLookup() => _cache.TryGet(_token, out _);

    /// <summary>The sidecar's whole authentication step for one request with a remembered token (JWT bearer handler, events, cache hit).</summary>
    [Benchmark]
    public async Task<ClaimsPrincipal?> AuthenticateRequest()
    {
        await using var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = _authorization;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Principal;
    }

    internal static string KeycloakLikeToken(SecurityKey key)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "byok-sidecar",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(2),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "8c1f0d52-0b0b-4b0b-9b0b-000000000002",
                ["typ"] = "Bearer",
                ["azp"] = "byok-cli",
                ["jti"] = Guid.NewGuid().ToString(),
                ["sid"] = Guid.NewGuid().ToString(),
                ["acr"] = "1",
                ["scope"] = "openid profile email",
                ["email_verified"] = true,
                ["name"] = "Bob Starter",
                ["preferred_username"] = "bob",
                ["given_name"] = "Bob",
                ["family_name"] = "Starter",
                ["email"] = "bob@example.com",
                ["subscription_tier"] = "starter",
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = RealmRoles },
                ["resource_access"] = new Dictionary<string, object>
                {
                    ["account"] = new Dictionary<string, object> { ["roles"] = AccountRoles },
                },
            },
        });
    }
}
