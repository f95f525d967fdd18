using Prometheus;

namespace ByokGateway.Limits;

/// <summary>Calls refused by a limit, by limit, key source and tier (no user labels), and counter-store failures.</summary>
public sealed class LimitMetrics(IMetricFactory metrics)
{
    private readonly Counter _refusals = metrics.CreateCounter(
        "byok_limit_refusals_total",
        "Proxied calls refused with 429 by a per-tier limit, by limit (requests_per_minute, tokens_per_day, tokens_per_month), key source and tier.",
        new CounterConfiguration { LabelNames = ["limit", "key_source", "tier"] });

    private readonly Counter _failures = metrics.CreateCounter(
        "byok_limit_counter_failures_total",
        "Checks or token additions the limit counters (Redis) could not do; those calls went through unlimited.");

    public void Refused(string limit, string keySource, string tier) => _refusals.WithLabels(limit, keySource, tier).Inc();

    public void CounterFailed() => _failures.Inc();
}
