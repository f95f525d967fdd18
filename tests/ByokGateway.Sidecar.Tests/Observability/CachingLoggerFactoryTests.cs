using ByokGateway.Observability;
using Microsoft.Extensions.Logging;

namespace ByokGateway.Tests.Observability;

/// <summary>Loggers are built once per category, however often a per-request service asks for one.</summary>
public sealed class CachingLoggerFactoryTests
{
    [Fact]
    public void CreateLogger_SameCategoryTwice_BuildsOneLogger()
    {
        var inner = new CountingFactory();
        using var factory = new CachingLoggerFactory(inner);

        var first = factory.CreateLogger("Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler");
        var second = factory.CreateLogger("Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler");
        var other = factory.CreateLogger("ByokGateway.Proxy.KeyResolutionMiddleware");

        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.Equal(2, inner.Created);
    }

    private sealed class DistinctLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }

    private sealed class CountingFactory : ILoggerFactory
    {
        public int Created { get; private set; }

        public ILogger CreateLogger(string categoryName)
        {
            Created++;
            return new DistinctLogger();
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
