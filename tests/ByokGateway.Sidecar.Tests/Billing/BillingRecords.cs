using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Billing;

/// <summary>Usage records as the metering hands them to the gateway's sinks (the ledger stores them).</summary>
internal static class BillingRecords
{
    public static UsageRecord Make(string userId, long? input = 12, long? output = 34, string model = "gpt-5.4-mini", DateTimeOffset? at = null, string keySource = "system") => new()
    {
        Id = Guid.CreateVersion7(),
        Timestamp = at ?? DateTimeOffset.UtcNow,
        UserId = userId,
        Tier = "starter",
        Provider = "openai",
        Model = model,
        KeySource = keySource,
        InputTokens = input,
        OutputTokens = output,
        CachedTokens = input is null ? null : 2,
        Status = 200,
        DurationMs = 40,
        TimeToFirstByteMs = 10,
    };

    /// <summary>Hands the records to every usage sink of the gateway, as the end of a proxied call does.</summary>
    public static IReadOnlyList<UsageRecord> Record(SidecarServer sidecar, IEnumerable<UsageRecord> records)
    {
        var list = records.ToList();
        var sinks = sidecar.Services.GetServices<IUsageSink>().ToList();
        Assert.NotEmpty(sinks);
        foreach (var record in list)
        {
            foreach (var sink in sinks)
            {
                sink.Record(record);
            }
        }

        return list;
    }
}
