using Prometheus;

namespace ByokGateway.Unified;

/// <summary>What the unified endpoint refused, how much of bodies it had to read, and which model lists failed.</summary>
public sealed class UnifiedMetrics(IMetricFactory metrics)
{
    private readonly Counter _refusals = metrics.CreateCounter(
        "byok_unified_refusals_total",
        "Calls to /v1 answered by the gateway without forwarding, by reason (not_json, no_model, unknown_provider, ...).",
        new CounterConfiguration { LabelNames = ["reason"] });

    private readonly Histogram _searched = metrics.CreateHistogram(
        "byok_unified_body_read_bytes",
        "Bytes of a /v1 request body read (and held until forwarded) to find its model.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1024, 4, 10) });

    private readonly Counter _listFailures = metrics.CreateCounter(
        "byok_unified_model_list_failures_total",
        "Providers left out of GET /v1/models because their model list failed, by provider.",
        new CounterConfiguration { LabelNames = ["provider"] });

    public void RecordRefusal(string reason) => _refusals.WithLabels(reason).Inc();

    public void RecordBodyRead(long bytes) => _searched.Observe(bytes);

    public void RecordModelListFailure(string provider) => _listFailures.WithLabels(provider).Inc();
}
