using System.Security.Claims;
using ByokGateway.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ByokGateway.Tests.Auth;

/// <summary>The cache of validated tokens: never served at or after exp, bounded in size.</summary>
public sealed class TokenValidationCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGet_UntilTheTokensExp_ReturnsTheIdentityAndFromExpOnMisses()
    {
        var cache = Cache();
        var exp = _time.GetUtcNow().UtcDateTime.AddMinutes(5);
        cache.Add("token-a", Identity("user-a"), exp);

        _time.SetUtcNow(new DateTimeOffset(exp).AddTicks(-1));
        Assert.True(cache.TryGet("token-a", out var identity));
        Assert.Equal("user-a", identity.FindFirst("sub")?.Value);

        _time.SetUtcNow(new DateTimeOffset(exp));
        Assert.False(cache.TryGet("token-a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryGet_AnotherText_Misses()
    {
        var cache = Cache();
        cache.Add("token-a", Identity("user-a"), _time.GetUtcNow().UtcDateTime.AddMinutes(5));

        Assert.False(cache.TryGet("token-a ", out _));
        Assert.False(cache.TryGet("token-A", out _));
        Assert.False(cache.TryGet("token-", out _));
    }

    [Fact]
    public void Add_TokenAlreadyExpired_IsNotRemembered()
    {
        var cache = Cache();

        cache.Add("token-a", Identity("user-a"), _time.GetUtcNow().UtcDateTime);

        Assert.False(cache.TryGet("token-a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Add_BeyondCapacity_KeepsAtMostCapacityEntriesAndTheNewest()
    {
        var cache = Cache(capacity: 3);

        for (var i = 0; i < 10; i++)
        {
            cache.Add($"token-{i}", Identity($"user-{i}"), _time.GetUtcNow().UtcDateTime.AddMinutes(5));
            Assert.InRange(cache.Count, 1, 3);
        }

        Assert.True(cache.TryGet("token-9", out var newest));
        Assert.Equal("user-9", newest.FindFirst("sub")?.Value);
    }

    [Fact]
    public void Add_WhenFull_DropsExpiredEntriesFirst()
    {
        var cache = Cache(capacity: 2);
        var now = _time.GetUtcNow().UtcDateTime;
        cache.Add("short", Identity("short"), now.AddMinutes(1));
        cache.Add("long", Identity("long"), now.AddMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(2));
        cache.Add("next", Identity("next"), now.AddMinutes(10));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("long", out _));
        Assert.True(cache.TryGet("next", out _));
    }

    [Fact]
    public void Add_CacheSizeZero_RemembersNothing()
    {
        var cache = Cache(capacity: 0);

        cache.Add("token-a", Identity("user-a"), _time.GetUtcNow().UtcDateTime.AddMinutes(5));

        Assert.False(cache.TryGet("token-a", out _));
    }

    private TokenValidationCache Cache(int capacity = 100) =>
        new(Options.Create(new AuthOptions { TokenCacheSize = capacity }), _time);

    private static ClaimsIdentity Identity(string subject) => new([new Claim("sub", subject)], "test");
}
