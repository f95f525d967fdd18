using System.Security.Cryptography;
using ByokGateway.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

/// <summary>
/// The validation cache behind the JWT bearer handler: a token's signature is checked once, the
/// result is never served at or after the token's exp, failures are never remembered, and the
/// number of entries stays bounded.
/// </summary>
public sealed class TokenValidationCacheTests : IDisposable
{
    private const string Issuer = "http://keycloak.test/realms/byok";
    private const string Audience = "byok-sidecar";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private int _signatureChecks;

    public TokenValidationCacheTests() => _key = new RsaSecurityKey(_rsa) { KeyId = "test" };

    [Fact]
    public async Task ValidateTokenAsync_SameTokenTwice_ChecksSignatureOnce()
    {
        var handler = Handler(Cache());
        var token = Token(TimeSpan.FromMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(1, _signatureChecks);
    }

    [Fact]
    public async Task ValidateTokenAsync_AtTheTokensExp_ValidatesAgain()
    {
        var cache = Cache();
        var handler = Handler(cache);
        var token = Token(TimeSpan.FromMinutes(5));
        var exp = new JsonWebToken(token).ValidTo;
        await handler.ValidateTokenAsync(token, Parameters());

        _time.SetUtcNow(new DateTimeOffset(exp).AddSeconds(-1));
        Assert.True(cache.TryGet(token, out _));
        await handler.ValidateTokenAsync(token, Parameters());
        Assert.Equal(1, _signatureChecks);

        _time.SetUtcNow(new DateTimeOffset(exp));
        Assert.False(cache.TryGet(token, out _));
        await handler.ValidateTokenAsync(token, Parameters());
        Assert.Equal(2, _signatureChecks);
    }

    [Fact]
    public async Task ValidateTokenAsync_TamperedToken_IsRefusedEveryTimeAndNotRemembered()
    {
        var cache = Cache();
        var handler = Handler(cache);
        var valid = Token(TimeSpan.FromMinutes(5));
        var tampered = valid[..^2] + (valid[^2] == 'A' ? "B" : "A") + valid[^1];
        Assert.True((await handler.ValidateTokenAsync(valid, Parameters())).IsValid);

        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters())).IsValid);

        Assert.False(cache.TryGet(tampered, out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_ExpiredToken_IsRefusedAndNotRemembered()
    {
        var cache = Cache();
        var handler = Handler(cache);
        var token = Token(TimeSpan.FromMinutes(-5));

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Add_BeyondCapacity_KeepsAtMostCapacityEntriesAndTheNewest()
    {
        var cache = Cache(capacity: 3);
        var handler = Handler(cache);
        var tokens = Enumerable.Range(0, 7).Select(i => Token(TimeSpan.FromMinutes(5), subject: $"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
            Assert.InRange(cache.Count, 1, 3);
        }

        Assert.True(cache.TryGet(tokens[^1], out var newest));
        Assert.Equal("user-6", (await newest).ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task Add_WhenFull_DropsExpiredEntriesFirst()
    {
        var cache = Cache(capacity: 2);
        var handler = Handler(cache);
        var shortLived = Token(TimeSpan.FromMinutes(1), subject: "short");
        var longLived = Token(TimeSpan.FromMinutes(10), subject: "long");
        await handler.ValidateTokenAsync(shortLived, Parameters());
        await handler.ValidateTokenAsync(longLived, Parameters());

        _time.Advance(TimeSpan.FromMinutes(2));
        var next = Token(TimeSpan.FromMinutes(10), subject: "next");
        await handler.ValidateTokenAsync(next, Parameters());

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(longLived, out _));
        Assert.True(cache.TryGet(next, out _));
    }

    [Fact]
    public async Task ValidateTokenAsync_CacheSizeZero_ChecksEveryTime()
    {
        var cache = Cache(capacity: 0);
        var handler = Handler(cache);
        var token = Token(TimeSpan.FromMinutes(5));

        await handler.ValidateTokenAsync(token, Parameters());
        await handler.ValidateTokenAsync(token, Parameters());

        Assert.Equal(2, _signatureChecks);
        Assert.Equal(0, cache.Count);
    }

    public void Dispose() => _rsa.Dispose();

    private TokenValidationCache Cache(int capacity = 100) =>
        new(Options.Create(new AuthOptions { TokenCacheSize = capacity }), _time);

    private static CachingTokenHandler Handler(TokenValidationCache cache) => new(cache) { MapInboundClaims = false };

    /// <summary>The sidecar's rules, with the signing key handed out by a resolver that counts signature checks.</summary>
    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidAlgorithms = ByokAuthExtensions.AllowedAlgorithms,
        ClockSkew = TimeSpan.Zero,
        IssuerSigningKeyResolver = (_, _, _, _) =>
        {
            Interlocked.Increment(ref _signatureChecks);
            return [_key];
        },
    };

    /// <summary>A token whose lifetime is relative to real time (the handler's own lifetime check uses the system clock).</summary>
    private string Token(TimeSpan lifetime, string subject = "user-1")
    {
        var now = DateTime.UtcNow;
        var expires = now + lifetime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["typ"] = "Bearer" },
        });
    }
}
