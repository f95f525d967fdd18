using System.Collections.Concurrent;
using System.Threading.Channels;
using ByokGateway.Keys;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Which gateway keys were used today and still need their <c>last_used</c> day written. Called on
/// the request path, so it never waits and never does I/O: a key whose stored day is today costs
/// one comparison, and a key is queued at most once a day per replica (<see cref="GatewayKeyUsageWriter"/>
/// writes it; its fresh read also skips a day another replica already wrote).
/// </summary>
public sealed class GatewayKeyUsage
{
    /// <summary>After a failed write, the key is queued again no sooner than this.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    private const int Capacity = 10_000;

    private readonly Channel<GatewayKeyUse> _queue = Channel.CreateBounded<GatewayKeyUse>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    // (user, key) -> not queued again before this instant.
    private readonly ConcurrentDictionary<(string UserId, string KeyId), DateTimeOffset> _quiet = new();

    internal ChannelReader<GatewayKeyUse> Pending => _queue.Reader;

    /// <summary>Notes that <paramref name="key"/> of <paramref name="userId"/> authenticated a call at <paramref name="now"/>.</summary>
    public void Record(string userId, StoredGatewayKey key, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (key.LastUsed >= today)
        {
            return;
        }

        var slot = (userId, key.Id);
        if (_quiet.TryGetValue(slot, out var quietUntil) && now < quietUntil)
        {
            return;
        }

        _quiet[slot] = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (!_queue.Writer.TryWrite(new GatewayKeyUse(userId, key.Id, today)))
        {
            // Full (Keycloak far behind): dropped; a later call of the key queues it again.
            _quiet.TryRemove(slot, out _);
        }
    }

    /// <summary>A write failed: try again after <see cref="RetryDelay"/> rather than on every call.</summary>
    internal void Failed(GatewayKeyUse use, DateTimeOffset now) => _quiet[(use.UserId, use.KeyId)] = now + RetryDelay;

    /// <summary>Forgets entries whose quiet time is over, so memory follows the keys in use.</summary>
    internal void Prune(DateTimeOffset now)
    {
        foreach (var (slot, quietUntil) in _quiet)
        {
            if (quietUntil <= now)
            {
                _quiet.TryRemove(KeyValuePair.Create(slot, quietUntil));
            }
        }
    }
}
