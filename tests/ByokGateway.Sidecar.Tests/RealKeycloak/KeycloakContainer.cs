using System.Net;
using System.Net.Sockets;
using ByokGateway.Tests.Infrastructure;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace ByokGateway.Tests.RealKeycloak;

/// <summary>
/// Keycloak 26 in Docker, set up like compose/docker-compose.yml: dev mode, the realm export
/// imported, the byok-sidecar secret from the environment, health on the management port, and a
/// fixed frontend URL (KC_HOSTNAME, the tokens' <c>iss</c>) that differs from the URL the tests and
/// the sidecar use (backchannel, resolved per request) — the same split compose has.
/// </summary>
public sealed class KeycloakContainer : IAsyncDisposable
{
    /// <summary>The image compose runs too (a deployment test keeps them equal).</summary>
    public const string Image = "quay.io/keycloak/keycloak:26.7.4";

    public const string ImportDirectory = "/opt/keycloak/data/import/";

    private const int HttpPort = 8080;
    private const int ManagementPort = 9000;

    private readonly IContainer _container;

    private KeycloakContainer(IContainer container, Uri url, Uri frontendUrl)
    {
        _container = container;
        Url = url;
        FrontendUrl = frontendUrl;
    }

    /// <summary>The realm export the container imports: the file compose mounts and the emulator loads.</summary>
    public static string RealmFile => Path.Combine(RepoPaths.Root, "realm-export", "byok-realm.json");

    /// <summary>Where the tests and the sidecar reach Keycloak.</summary>
    public Uri Url { get; }

    /// <summary>KC_HOSTNAME: what tokens name as their issuer.</summary>
    public Uri FrontendUrl { get; }

    public string Issuer => new Uri(FrontendUrl, $"realms/{KeycloakServer.Realm}").ToString();

    public static async Task<KeycloakContainer> StartAsync(Uri dockerEndpoint, string sidecarSecret, CancellationToken cancellationToken)
    {
        // KC_HOSTNAME must be known before the container exists, so the host port is chosen here
        // instead of by Docker (a tiny race with other processes, as Testcontainers itself accepts
        // for Ryuk on Windows). The frontend host is what a browser on the Docker host would use.
        var hostPort = FreeLoopbackPort();
        var frontendHost = TestcontainersSettings.DockerHostOverride
            ?? (dockerEndpoint.Scheme is "tcp" or "http" or "https" ? dockerEndpoint.Host : "localhost");
        var frontendUrl = new Uri($"http://{frontendHost}:{hostPort}/");

        var container = new ContainerBuilder(Image)
            .WithCommand("start-dev", "--import-realm")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", Environment.GetEnvironmentVariable("KC_BOOTSTRAP_ADMIN_USERNAME") ?? "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", Environment.GetEnvironmentVariable("KC_BOOTSTRAP_ADMIN_PASSWORD") ?? "admin")
            .WithEnvironment("KC_HOSTNAME", frontendUrl.ToString().TrimEnd('/'))
            .WithEnvironment("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true")
            .WithEnvironment("KC_HEALTH_ENABLED", "true")
            .WithEnvironment("BYOK_SIDECAR_SECRET", sidecarSecret)
            .WithResourceMapping(new FileInfo(RealmFile), ImportDirectory)
            .WithPortBinding(hostPort, HttpPort)
            .WithPortBinding(ManagementPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(
                request => request.ForPort(ManagementPort).ForPath("/health/ready"),
                wait => wait.WithTimeout(TimeSpan.FromMinutes(5))))
            .Build();

        try
        {
            await container.StartAsync(cancellationToken);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        var url = new Uri($"http://{container.Hostname}:{container.GetMappedPublicPort(HttpPort)}/");
        return new KeycloakContainer(container, url, frontendUrl);
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
