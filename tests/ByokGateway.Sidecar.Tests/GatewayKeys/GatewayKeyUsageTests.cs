using ByokGateway.GatewayKeys;
using ByokGateway.Keys;
using Microsoft.Extensions.Time.Testing;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>What the request path queues for the last_used writer: at most one write per key and day.</summary>
public sealed class GatewayKeyUsageTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly GatewayKeyUsage _usage = new();

    [Fact]
    public void Record_ManyCallsOfOneKeyOnOneDay_QueuesOneWrite()
    {
        var key = Key("k1", lastUsed: null);

        for (var i = 0; i < 100; i++)
        {
            _usage.Record("user-1", key, _time.GetUtcNow());
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([new GatewayKeyUse("user-1", "k1", new DateOnly(2026, 11, 26))], Drain());
    }

    [Fact]
    public void Record_KeyAlreadyStoredAsUsedToday_QueuesNothing()
    {
        _usage.Record("user-1", Key("k1", lastUsed: new DateOnly(2026, 11, 26)), _time.GetUtcNow());

        Assert.Empty(Drain());
    }

    [Fact]
    public void Record_NextDay_QueuesAgain()
    {
        _usage.Record("user-1", Key("k1", lastUsed: null), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromHours(15)); // 00:00 UTC on the 27th
        _usage.Record("user-1", Key("k1", lastUsed: new DateOnly(2026, 11, 26)), _time.GetUtcNow());

        Assert.Equal([new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 27)], Drain().Select(u => u.Day));
    }

    [Fact]
    public void Record_TwoKeysAndTwoUsers_QueuesEachOnce()
    {
        for (var i = 0; i < 3; i++)
        {
            _usage.Record("user-1", Key("k1", null), _time.GetUtcNow());
            _usage.Record("user-1", Key("k2", null), _time.GetUtcNow());
            _usage.Record("user-2", Key("k1", null), _time.GetUtcNow());
        }

        Assert.Equal(3, Drain().Count);
    }

    [Fact]
    public void Record_AfterAFailedWrite_QueuesAgainOnlyAfterTheRetryDelay()
    {
        var key = Key("k1", lastUsed: null);
        _usage.Record("user-1", key, _time.GetUtcNow());
        var failed = Assert.Single(Drain());
        _usage.Failed(failed, _time.GetUtcNow());

        _time.Advance(GatewayKeyUsage.RetryDelay - TimeSpan.FromSeconds(1));
        _usage.Record("user-1", key, _time.GetUtcNow());
        Assert.Empty(Drain());

        _time.Advance(TimeSpan.FromSeconds(1));
        _usage.Record("user-1", key, _time.GetUtcNow());
        Assert.Single(Drain());
    }

    private List<GatewayKeyUse> Drain()
    {
        var items = new List<GatewayKeyUse>();
        while (_usage.Pending.TryRead(out var use))
        {
            items.Add(use);
        }

        return items;
    }

    private static StoredGatewayKey Key(string id, DateOnly? lastUsed) =>
        new(id, new byte[32], "name", "bgk_****abcd", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, lastUsed);
}
