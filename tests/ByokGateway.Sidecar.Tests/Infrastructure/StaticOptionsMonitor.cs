using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>Options that never change, for components built by hand in a test.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
