using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ByokGateway.Ledger;

/// <summary>
/// Degraded, not unhealthy, while the store cannot be written: the gateway still proxies and
/// buffers what it meters, so a load balancer should keep sending it traffic.
/// </summary>
public sealed class LedgerHealthCheck(LedgerStore store, LedgerHealth health, LedgerBuffer buffer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.Problem is { } problem
            ? HealthCheckResult.Degraded($"The usage ledger ({store.Dialect}, {store.Location}) cannot be written ({problem}); {buffer.Count} records buffered in memory, written when it answers.")
            : HealthCheckResult.Healthy($"The usage ledger ({store.Dialect}, {store.Location}) is written."));
}
