using ByokGateway.Crypto;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ByokGateway.Hosting;

/// <summary>Ready when the encryption keys are loaded and round-trip a value.</summary>
public sealed class EncryptionHealthCheck(KeyRing keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        const string Probe = "readiness-probe";
        var ok = keys.TryDecrypt(keys.Encrypt(Probe), out var roundTrip) && roundTrip == Probe;
        return Task.FromResult(ok
            ? HealthCheckResult.Healthy($"{keys.Count} encryption key(s) loaded.")
            : HealthCheckResult.Unhealthy("The encryption keys do not round-trip a value."));
    }
}
