using System.Collections.Concurrent;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Usage;

/// <summary>A usage sink that keeps every record, for tests to read back by user.</summary>
public sealed class RecordingUsageSink : IUsageSink
{
    private readonly ConcurrentQueue<UsageRecord> _records = new();

    public void Record(UsageRecord record) => _records.Enqueue(record);

    public IReadOnlyList<UsageRecord> For(string userId) => [.. _records.Where(r => r.UserId == userId)];

    /// <summary>
    /// The one record of the user's call. The record is written as the call ends, which can be a
    /// moment after the client read the last byte: wait for it (bounded).
    /// </summary>
    public async Task<UsageRecord> SingleAsync(string userId) => Assert.Single(await WaitForAsync(userId, 1));

    /// <summary>The user's records once there are <paramref name="count"/> of them (or after 10 s, whatever there is).</summary>
    public async Task<IReadOnlyList<UsageRecord>> WaitForAsync(string userId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (For(userId).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return For(userId);
    }
}
