using DotNet.Testcontainers.Configurations;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.RealKeycloak;

/// <summary>Where the real-Keycloak tests get their Keycloak 26 from.</summary>
public enum RealKeycloakKind
{
    /// <summary><c>KEYCLOAK_URL</c> names a running server (e.g. after <c>make up</c>).</summary>
    Url,

    /// <summary>A Docker engine answered: Testcontainers starts one.</summary>
    Container,

    /// <summary>Neither: the tests are reported as skipped with <see cref="RealKeycloakSource.Description"/>.</summary>
    None,
}

/// <summary>The choice, with a sentence that says why (the skip reason for <see cref="RealKeycloakKind.None"/>).</summary>
public sealed record RealKeycloakSource(RealKeycloakKind Kind, string Description, Uri? DockerEndpoint = null)
{
    public const string SkipReason =
        "No real Keycloak 26 to test against: KEYCLOAK_URL is not set and Testcontainers found no Docker engine";

    /// <summary>KEYCLOAK_URL wins over Docker: an operator who names a server wants that server tested.</summary>
    public static RealKeycloakSource Choose(string? keycloakUrl, Uri? dockerEndpoint, string? dockerProblem = null)
    {
        if (!string.IsNullOrWhiteSpace(keycloakUrl))
        {
            return new(RealKeycloakKind.Url, $"the Keycloak at KEYCLOAK_URL={keycloakUrl}");
        }

        if (dockerEndpoint is not null)
        {
            return new(RealKeycloakKind.Container, $"{KeycloakContainer.Image} started by Testcontainers on {dockerEndpoint}", dockerEndpoint);
        }

        return new(RealKeycloakKind.None,
            SkipReason + (dockerProblem is null ? string.Empty : $" ({dockerProblem})")
            + ". Run `make up` and set KEYCLOAK_URL=http://localhost:8180 and BYOK_SIDECAR_SECRET (from compose/.env),"
            + " or run where Docker is available (DOCKER_HOST, /var/run/docker.sock or ~/.testcontainers.properties).");
    }

    /// <summary>
    /// Testcontainers' own discovery: it tries its endpoint providers (environment, properties file,
    /// Unix socket, Docker Desktop, rootless) and keeps the first one whose engine answers a ping.
    /// </summary>
    public static RealKeycloakSource Detect()
    {
        if (KeycloakServer.RealKeycloakUrl is { } url)
        {
            return Choose(url, null);
        }

        try
        {
            return Choose(null, TestcontainersSettings.OS.DockerEndpointAuthConfig?.Endpoint);
        }
        catch (Exception e) when (e is TypeInitializationException or InvalidOperationException or ArgumentException)
        {
            // A malformed DOCKER_HOST or properties file: no engine to use, and the reason says so.
            return Choose(null, null, (e.InnerException ?? e).Message);
        }
    }
}
