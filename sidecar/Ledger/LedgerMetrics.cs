using Prometheus;

namespace ByokGateway.Ledger;

/// <summary>The ledger's write path: what waits, what was written, what failed, what was dropped.</summary>
public sealed class LedgerMetrics(IMetricFactory metrics)
{
    private readonly Gauge _buffered = metrics.CreateGauge(
        "byok_ledger_buffered",
        "Usage records and audit events waiting in memory for the ledger store.");

    private readonly Counter _written = metrics.CreateCounter(
        "byok_ledger_written_total",
        "Usage records and audit events written to the ledger store, by kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    private readonly Counter _failures = metrics.CreateCounter(
        "byok_ledger_write_failures_total",
        "Failed attempts to write a batch to the ledger store (the batch stays buffered and is retried).");

    private readonly Counter _dropped = metrics.CreateCounter(
        "byok_ledger_dropped_total",
        "Usage records and audit events lost because the write buffer was full (or still full at shutdown), by kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public void SetBuffered(long count) => _buffered.Set(count);

    public void Written(string kind, int count) => _written.WithLabels(kind).Inc(count);

    public void WriteFailed() => _failures.Inc();

    public void Dropped(string kind) => _dropped.WithLabels(kind).Inc();

    public double DroppedCount(string kind) => _dropped.WithLabels(kind).Value;

    public double Written(string kind) => _written.WithLabels(kind).Value;
}
