namespace ByokGateway.Tests.RealKeycloak;

/// <summary>How the real-Keycloak tests pick their server, and that "none" is a skip with a reason.</summary>
public sealed class RealKeycloakSourceTests
{
    private static readonly Uri Docker = new("unix:///var/run/docker.sock");

    [Fact]
    public void Choose_KeycloakUrlAndDocker_PrefersKeycloakUrl()
    {
        var source = RealKeycloakSource.Choose("http://localhost:8180", Docker);

        Assert.Equal(RealKeycloakKind.Url, source.Kind);
        Assert.Contains("KEYCLOAK_URL=http://localhost:8180", source.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_OnlyDocker_StartsContainerFromPinnedImage()
    {
        var source = RealKeycloakSource.Choose(null, Docker);

        Assert.Equal(RealKeycloakKind.Container, source.Kind);
        Assert.Equal(Docker, source.DockerEndpoint);
        Assert.Contains(KeycloakContainer.Image, source.Description, StringComparison.Ordinal);
        Assert.Matches(@"^quay\.io/keycloak/keycloak:26\.\d+\.\d+$", KeycloakContainer.Image);
    }

    [Fact]
    public void Choose_Neither_IsSkipWithReasonAndRemedy()
    {
        var source = RealKeycloakSource.Choose(" ", null, "DOCKER_HOST is malformed");

        Assert.Equal(RealKeycloakKind.None, source.Kind);
        Assert.StartsWith(RealKeycloakSource.SkipReason, source.Description, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST is malformed", source.Description, StringComparison.Ordinal);
        Assert.Contains("make up", source.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_ThisMachine_AgreesWithEnvironmentAndDockerDiscovery()
    {
        var source = RealKeycloakSource.Detect();
        var url = Environment.GetEnvironmentVariable("KEYCLOAK_URL");
        var docker = DotNet.Testcontainers.Configurations.TestcontainersSettings.OS.DockerEndpointAuthConfig;

        var expected = !string.IsNullOrEmpty(url) ? RealKeycloakKind.Url
            : docker is not null ? RealKeycloakKind.Container
            : RealKeycloakKind.None;
        Assert.Equal(expected, source.Kind);
        TestContext.Current.TestOutputHelper?.WriteLine("Real-Keycloak tests here: " + source.Description);
    }
}
