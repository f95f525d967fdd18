using Prometheus;

namespace ByokGateway.Keys;

/// <summary>Hits and misses of the BYOK record cache.</summary>
public sealed class KeyStoreMetrics(IMetricFactory metrics)
{
    private readonly Counter _lookups = metrics.CreateCounter(
        "byok_cache_lookups_total",
        "Lookups of users' BYOK records, by result (hit: served from cache; miss: loaded from Keycloak).",
        new CounterConfiguration { LabelNames = ["result"] });

    public void RecordLookup(bool hit) => _lookups.WithLabels(hit ? "hit" : "miss").Inc();
}
