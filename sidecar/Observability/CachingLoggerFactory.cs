using System.Collections.Concurrent;

namespace ByokGateway.Observability;

/// <summary>
/// Serilog's <see cref="ILoggerFactory"/> with one logger per category. Serilog's factory builds a
/// new logger (and its event-id cache) on every <c>CreateLogger</c>, and ASP.NET Core creates
/// some services per request that ask for one, the JWT bearer handler among them: measured, that
/// was several kilobytes of garbage on every proxied call.
/// </summary>
internal sealed class CachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, inner.CreateLogger);

    public void AddProvider(ILoggerProvider provider)
    {
        inner.AddProvider(provider);
        _loggers.Clear();
    }

    public void Dispose() => inner.Dispose();
}
