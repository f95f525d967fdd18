using Prometheus;

namespace ByokGateway.Keycloak;

/// <summary>Keycloak Admin API calls and their latency, by operation and outcome.</summary>
public sealed class KeycloakMetrics(IMetricFactory metrics)
{
    private readonly Histogram _duration = metrics.CreateHistogram(
        "byok_keycloak_request_duration_seconds",
        "Keycloak Admin API calls made by the sidecar, by operation and outcome (HTTP status or 'unreachable').",
        new HistogramConfiguration
        {
            LabelNames = ["operation", "outcome"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
        });

    public void RecordCall(string operation, string outcome, TimeSpan duration) =>
        _duration.WithLabels(operation, outcome).Observe(duration.TotalSeconds);
}
