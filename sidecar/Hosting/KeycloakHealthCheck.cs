using ByokGateway.Keycloak;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ByokGateway.Hosting;

/// <summary>Ready when Keycloak answers and accepts the sidecar's client credentials.</summary>
public sealed class KeycloakHealthCheck(IHttpClientFactory clients, ServiceAccountTokenProvider tokens, IOptions<KeycloakOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var client = clients.CreateClient(nameof(ServiceAccountTokenProvider));
            using var discovery = await client.GetAsync(KeycloakRoutes.Discovery(options.Value.Realm), cancellationToken);
            if (!discovery.IsSuccessStatusCode)
            {
                return HealthCheckResult.Unhealthy($"Keycloak answered {(int)discovery.StatusCode} for the realm's discovery document.");
            }

            await tokens.GetTokenAsync(cancellationToken);
            return HealthCheckResult.Healthy("Keycloak reachable; service-account token available.");
        }
        catch (Exception e) when (e is KeycloakUnavailableException or KeycloakRequestException || KeycloakAdminClient.IsTransportFailure(e, cancellationToken))
        {
            return HealthCheckResult.Unhealthy(e is KeycloakRequestException ? e.Message : "Keycloak is unreachable.");
        }
    }
}
