using System.Globalization;
using ByokGateway.Management;
using Prometheus;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace ByokGateway.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Serilog (text, or compact JSON with <c>Logging:Format=json</c>), a Prometheus registry of
    /// this process's own, and the audit log.
    /// </summary>
    public static TBuilder AddObservability<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var json = string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog(
            (services, logger) =>
        {
            // ASP.NET Core starts an Activity and a log scope for every request as soon as its
            // hosting category logs at any level; the gateway writes its own event per proxied
            // call, so that category stays off unless configuration turns it on.
            logger.MinimumLevel.Override(HostingDiagnosticsCategory, LevelAlias.Off)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            // Console output is buffered and written in blocks (see BufferedConsoleSink for why).
            var formatter = json
                ? (ITextFormatter)new RenderedCompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);
            logger.WriteTo.Sink(new BufferedConsoleSink(formatter, Console.OpenStandardOutput(), TimeProvider.System, ConsoleFlushInterval));
        },
        // Each host logs through its own logger, not the process-wide static one: with several
        // hosts in one process (the tests), the static logger is whichever host started last.
        preserveStaticLogger: true);

        CacheLoggers(builder.Services);

        // One registry per host rather than prometheus-net's static default, so several gateways
        // in one process (tests) each count only their own traffic.
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IMetricFactory>(Metrics.WithCustomRegistry(registry));
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }

    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    // How long an event may wait in the console buffer; warnings and errors are written at once.
    private static readonly TimeSpan ConsoleFlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Wraps the ILoggerFactory that AddSerilog registered in <see cref="CachingLoggerFactory"/>.</summary>
    private static void CacheLoggers(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory));
        if (registered?.ImplementationFactory is not { } create)
        {
            return;
        }

        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(provider => new CachingLoggerFactory((ILoggerFactory)create(provider)));
    }

    /// <summary><c>/metrics</c> (Prometheus text), on the management port when one is configured.</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<CollectorRegistry>();
        app.MapMetrics("/metrics", registry).OnManagementPort();
        return app;
    }
}
