using ByokGateway.Observability;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Ledger;

/// <summary>Usage records and audit events for the ledger tests, at microsecond precision (what both stores keep).</summary>
internal static class LedgerSamples
{
    public static readonly DateTimeOffset Day1 = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    public static UsageRecord Call(
        DateTimeOffset at,
        string user = "user-a",
        string provider = "openai",
        string? model = "gpt-5.4-mini",
        string keySource = "system",
        long? input = 10,
        long? output = 20,
        long? cached = null,
        int status = 200) => new()
    {
        Id = Guid.CreateVersion7(at),
        Timestamp = at,
        UserId = user,
        Tier = "free",
        Provider = provider,
        Model = model,
        KeySource = keySource,
        InputTokens = input,
        OutputTokens = output,
        CachedTokens = cached,
        Status = status,
        DurationMs = 123.25,
        TimeToFirstByteMs = status == 200 ? 45.5 : null,
    };

    public static AuditEvent Event(DateTimeOffset at, string user = "user-a", string action = AuditActions.KeyAdded, string? provider = "openai", string? detail = null) =>
        new(Guid.CreateVersion7(at), at, user, action, provider, detail);
}
