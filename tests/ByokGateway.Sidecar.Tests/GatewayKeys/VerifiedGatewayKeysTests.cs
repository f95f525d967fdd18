using ByokGateway.Auth;
using ByokGateway.GatewayKeys;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.GatewayKeys;

public sealed class VerifiedGatewayKeysTests
{
    [Fact]
    public void Add_ThenTryGet_FindsWhereTheKeyMatchedAndAGatewayKeyIdentity()
    {
        var cache = Cache(size: 10);

        var added = cache.Add("bgk_one", "user-1", "0123456789abcdef", [1, 2, 3]);

        Assert.True(cache.TryGet("bgk_one", out var found));
        Assert.Same(added, found);
        Assert.Equal("user-1", found.UserId);
        Assert.Equal("0123456789abcdef", found.KeyId);
        Assert.Equal(GatewayKeyAuthentication.AuthenticationType, found.Identity.AuthenticationType);
        Assert.Equal("user-1", found.Identity.FindFirst("sub")!.Value);
        Assert.False(cache.TryGet("bgk_one ", out _));
    }

    [Fact]
    public void Add_Full_StartsOverInsteadOfGrowing()
    {
        var cache = Cache(size: 3);
        for (var i = 0; i < 3; i++)
        {
            cache.Add($"bgk_{i}", "user-1", $"{i:x16}", []);
        }

        cache.Add("bgk_new", "user-1", "00000000000000ff", []);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("bgk_new", out _));
    }

    [Fact]
    public void Add_SizeZero_RemembersNothing()
    {
        var cache = Cache(size: 0);

        var entry = cache.Add("bgk_one", "user-1", "0123456789abcdef", []);

        Assert.Equal("user-1", entry.UserId);
        Assert.False(cache.TryGet("bgk_one", out _));
    }

    private static VerifiedGatewayKeys Cache(int size) => new(Options.Create(new GatewayKeysOptions { CacheSize = size }));
}
