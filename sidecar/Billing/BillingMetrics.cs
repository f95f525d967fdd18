using Prometheus;

namespace ByokGateway.Billing;

/// <summary>The Lago export: events sent, attempts that failed, events Lago rejected, and what is still pending.</summary>
public sealed class BillingMetrics(IMetricFactory metrics)
{
    private readonly Counter _sent = metrics.CreateCounter(
        "byok_billing_events_sent_total",
        "Usage events Lago accepted (including repeats it already had).");

    private readonly Counter _failed = metrics.CreateCounter(
        "byok_billing_events_failed_total",
        "Usage events whose sending failed and will be retried, by reason (failed: Lago down, 5xx, 429, timeout, 401; rejected: Lago refused the event as invalid, retried after Billing:Lago:RejectedRetryDelay).",
        new CounterConfiguration { LabelNames = ["reason"] });

    private readonly Gauge _pending = metrics.CreateGauge(
        "byok_billing_events_pending",
        "Usage records stored but not yet accepted by Lago.");

    public void Sent(int count) => _sent.Inc(count);

    public void Failed(int count) => _failed.WithLabels("failed").Inc(count);

    public void Rejected(int count) => _failed.WithLabels("rejected").Inc(count);

    public void Pending(long count) => _pending.Set(count);
}
