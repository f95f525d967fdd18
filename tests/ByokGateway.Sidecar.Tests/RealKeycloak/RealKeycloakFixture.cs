using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.RealKeycloak;

/// <summary>
/// One gateway stack (sidecar + fake provider) on a real Keycloak 26 for the class: the server at
/// <c>KEYCLOAK_URL</c>, else one Testcontainers starts, else none — then every test is skipped
/// with the reason. A source that exists but fails to start fails the tests; it never skips them.
/// </summary>
public sealed class RealKeycloakFixture : IAsyncLifetime
{
    private KeycloakContainer? _container;
    private TestGateway? _stack;

    public RealKeycloakSource Source { get; } = RealKeycloakSource.Detect();

    /// <summary>The stack, or a skip with the reason when no real Keycloak is available.</summary>
    public TestGateway Require()
    {
        Assert.SkipWhen(Source.Kind == RealKeycloakKind.None, Source.Description);
        TestContext.Current.TestOutputHelper?.WriteLine("Keycloak: " + Source.Description);
        return _stack ?? throw new InvalidOperationException("The real-Keycloak stack did not start.");
    }

    public async ValueTask InitializeAsync()
    {
        switch (Source.Kind)
        {
            case RealKeycloakKind.Url:
                // KeycloakServer takes KEYCLOAK_URL and BYOK_SIDECAR_SECRET from the environment;
                // KEYCLOAK_URL must be Keycloak's frontend URL (its tokens' issuer).
                _stack = await TestGateway.StartAsync();
                break;

            case RealKeycloakKind.Container:
                var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                _container = await KeycloakContainer.StartAsync(Source.DockerEndpoint!, secret, TestContext.Current.CancellationToken);
                _stack = await TestGateway.StartAsync(
                    new Dictionary<string, string?> { ["Keycloak:Issuer"] = _container.Issuer },
                    keycloak: KeycloakServer.Connect(_container.Url, secret));
                break;

            case RealKeycloakKind.None:
            default:
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
