using Prometheus;

namespace ByokGateway.Proxy;

/// <summary>Proxied calls by provider, key source and status, and how long upstreams take.</summary>
public sealed class ProxyMetrics(IMetricFactory metrics)
{
    private readonly Counter _requests = metrics.CreateCounter(
        "byok_proxy_requests_total",
        "Requests through the key-swapping proxy, by provider, key source (byok, system, none) and response status.",
        new CounterConfiguration { LabelNames = ["provider", "key_source", "status"] });

    private readonly Histogram _upstream = metrics.CreateHistogram(
        "byok_proxy_upstream_duration_seconds",
        "Time from forwarding a request to the end of the upstream response (whole stream for SSE), by provider.",
        new HistogramConfiguration
        {
            LabelNames = ["provider"],
            Buckets = Histogram.ExponentialBuckets(0.005, 2, 16),
        });

    public void RecordRequest(string provider, string keySource, int status) =>
        _requests.WithLabels(provider, keySource, StatusLabel(status)).Inc();

    public void RecordUpstream(string provider, TimeSpan duration) =>
        _upstream.WithLabels(provider).Observe(duration.TotalSeconds);

    // Interned labels for the common statuses keep the hot path free of string allocations.
    private static string StatusLabel(int status) => status switch
    {
        200 => "200",
        401 => "401",
        403 => "403",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
