using ByokGateway.Proxy;
using ByokGateway.Usage;

namespace ByokGateway.Limits;

/// <summary>
/// Charges each metered call's tokens (input plus output, as the provider reported them) to the
/// day and month budgets of its user and key source, when the call's tier has a token budget for
/// that source. The call was already answered: a stream that crosses the budget completes, and the
/// next call is refused. Counters are per user, not per tier, so a tier raised mid-day keeps what
/// was used and the new budget applies to it. A call whose usage is unknown is charged the metering's
/// estimate, so hiding usage (include_usage:false, cutting the stream) is no way around a budget.
/// </summary>
public sealed class LimitTokenCounter(LimitPolicy policy, ILimitCounters counters) : IUsageSink
{
    public void Record(UsageRecord record)
    {
        var source = record.KeySource == "byok" ? KeySource.Byok : KeySource.System;
        if (policy.Find(record.Tier, source) is not { CountsTokens: true })
        {
            return;
        }

        var tokens = record.InputTokens is null
            ? Math.Max(0, record.EstimatedTokens ?? 0)
            : Math.Max(0, record.InputTokens ?? 0) + Math.Max(0, record.OutputTokens ?? 0);
        if (tokens == 0)
        {
            return;
        }

        // The call's arrival decides the day, as for the ledger's daily rows.
        var windows = new LimitWindows(record.Timestamp);
        counters.AddTokens(windows.DayKey(record.UserId, source), windows.DayTtl, windows.MonthKey(record.UserId, source), windows.MonthTtl, tokens);
    }
}
