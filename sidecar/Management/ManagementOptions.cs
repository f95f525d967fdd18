using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Management;

/// <summary>
/// The management port (section <c>Management</c>), like Keycloak's management interface on 9000:
/// health, readiness, metrics and the OpenAPI document on a port of their own, so whoever reaches
/// the gateway does not also read its metrics and API description.
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>
    /// Port for <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> and <c>/openapi/v1.json</c>, plain
    /// HTTP on the interfaces of the main URLs (environment: Management__Port). When set, the main
    /// port keeps <c>/healthz</c> (container probes) and the management port serves nothing else.
    /// Unset or empty: everything on the main port. With Kestrel endpoints in configuration
    /// (<c>Kestrel:Endpoints</c>), declare an endpoint on this port there as well.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Management:Port must be a TCP port (1-65535), or empty to serve health, metrics and the OpenAPI document on the main port.")]
    public int? Port { get; set; }
}
