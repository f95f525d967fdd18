[assembly: AssemblyFixture(typeof(ByokGateway.Tests.Infrastructure.SharedGateway))]

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// One gateway stack for the tests that only need the defaults. Tests create their own users,
/// so they never see each other's data; tests that change Keycloak or sidecar behaviour start a
/// stack of their own.
/// </summary>
public sealed class SharedGateway : IAsyncLifetime
{
    private TestGateway? _stack;

    public TestGateway Stack => _stack ?? throw new InvalidOperationException("The shared stack is not started.");

    public async ValueTask InitializeAsync() => _stack = await TestGateway.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
