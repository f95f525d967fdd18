using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ByokGateway.Crypto;
using ByokGateway.GatewayKeys;
using ByokGateway.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ZiggyCreatures.Caching.Fusion;

namespace ByokGateway.Benchmarks.Auth;

/// <summary>
/// The sidecar's whole authentication step for one request (bearer handler, events, request
/// scope) with a gateway key against the same step with a remembered Keycloak token (the
/// baseline, as in <see cref="JwtValidationBenchmarks"/>). The user's record is cached with the
/// most keys a user may hold (20), the presented one last, and its last_used day is today, as
/// after the first call of the day. Also: a key the gateway has not seen before (decoding and
/// SHA-256 of its secret, then remembered), the format check alone, and a mistyped key.
/// </summary>
[MemoryDiagnoser]
public class GatewayKeyAuthenticationBenchmarks
{
    private const string UserId = "8c1f0d52-0b0b-4b0b-9b0b-000000000002";

    private WebApplication _app = null!;
    private RSA _rsa = null!;
    private IServiceScopeFactory _scopes = null!;
    private string _jwtAuthorization = null!;
    private string _gatewayKey = null!;
    private string _gatewayKeyAuthorization = null!;
    private string _mistypedAuthorization = null!;
    private VerifiedGatewayKeys _verified = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rsa = RSA.Create(2048);
        var signingKey = new RsaSecurityKey(_rsa) { KeyId = "bench" };
        _jwtAuthorization = "Bearer " + JwtValidationBenchmarks.KeycloakLikeToken(signingKey);
        var configuration = new OpenIdConnectConfiguration { Issuer = JwtValidationBenchmarks.Issuer };
        configuration.SigningKeys.Add(signingKey);
        _app = SidecarServices.Build(Fernet.GenerateKey(), services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
                jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration)));
        _scopes = _app.Services.GetRequiredService<IServiceScopeFactory>();

        var now = DateTimeOffset.UtcNow;
        var keys = new List<StoredGatewayKey>();
        ByokGateway.GatewayKeys.NewGatewayKey made = null!;
        for (var i = 0; i < 20; i++)
        {
            made = GatewayKeyFormat.Create(Guid.Parse(UserId));
            keys.Add(new StoredGatewayKey($"{i:x16}", made.SecretHash, $"tool {i}", made.Preview, now, now.AddDays(90), DateOnly.FromDateTime(now.UtcDateTime)));
        }

        _gatewayKey = made.Token;
        _gatewayKeyAuthorization = "Bearer " + _gatewayKey;
        _mistypedAuthorization = "Bearer " + _gatewayKey[..^1] + (_gatewayKey[^1] == 'a' ? 'b' : 'a');
        var record = new ByokRecord(UserId, "starter", new Dictionary<string, StoredKey>()) { GatewayKeys = keys };
        _app.Services.GetRequiredService<IFusionCache>().Set<ByokRecord?>(KeyStore.CacheKey(UserId), record);
        _verified = _app.Services.GetRequiredService<VerifiedGatewayKeys>();

        if (RememberedJwt().GetAwaiter().GetResult()?.FindFirstValue("sub") != UserId
            || GatewayKey().GetAwaiter().GetResult()?.FindFirstValue("sub") != UserId
            || NewGatewayKey().GetAwaiter().GetResult()?.FindFirstValue("sub") != UserId
            || MistypedGatewayKey().GetAwaiter().GetResult() is not null
            || !ParseGatewayKey())
        {
            throw new InvalidOperationException("The benchmark credentials do not authenticate as expected.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rsa.Dispose();
    }

    /// <summary>A request with a remembered Keycloak token: what a gateway key must not exceed.</summary>
    [Benchmark(Baseline = true)]
    public Task<ClaimsPrincipal?> RememberedJwt() => AuthenticateAsync(_jwtAuthorization);

    /// <summary>A request with a gateway key used before: remembered key, cached record, constant-time compare.</summary>
    [Benchmark]
    public Task<ClaimsPrincipal?> GatewayKey() => AuthenticateAsync(_gatewayKeyAuthorization);

    /// <summary>A request with a gateway key not seen before: decoding, checksum, SHA-256, cached record, compares.</summary>
    [Benchmark]
    public Task<ClaimsPrincipal?> NewGatewayKey()
    {
        _verified.Remove(_gatewayKey);
        return AuthenticateAsync(_gatewayKeyAuthorization);
    }

    /// <summary>A request with a mistyped gateway key: refused by its checksum, without any lookup.</summary>
    [Benchmark]
    public Task<ClaimsPrincipal?> MistypedGatewayKey() => AuthenticateAsync(_mistypedAuthorization);

    /// <summary>The format check and the hash of the secret alone.</summary>
    [Benchmark]
    public bool ParseGatewayKey() => GatewayKeyFormat.TryParse(_gatewayKey, out _, out _);

    private async Task<ClaimsPrincipal?> AuthenticateAsync(string authorization)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = authorization;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Principal;
    }
}
