using System.Globalization;
using Prometheus;
using Serilog;
using Serilog.Configuration;
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
        builder.Services.AddSerilog((services, logger) =>
        {
            // ASP.NET Core starts an Activity and a log scope for every request as soon as its
            // hosting category logs at any level; the gateway writes its own event per proxied
            // call, so that category stays off unless configuration turns it on.
            logger.MinimumLevel.Override(HostingDiagnosticsCategory, LevelAlias.Off)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            // Console output is written by Serilog's batching sink on a background task, one write
            // per batch: a flushed console write per event, on the request's thread and under the
            // console lock, was the largest cost a proxied call added (measured with bench/run.sh).
            // Events wait in a bounded queue; only if standard output stops being read for long
            // does it fill, and then new events are dropped rather than requests held up.
            var formatter = json
                ? (ITextFormatter)new RenderedCompactJsonFormatter()
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);
            logger.WriteTo.Sink(new BatchedConsoleSink(formatter, Console.OpenStandardOutput()), new BatchingOptions
            {
                BatchSizeLimit = 1000,
                BufferingTimeLimit = TimeSpan.FromMilliseconds(100),
                QueueLimit = 100_000,
            });
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

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<CollectorRegistry>();
        app.MapMetrics("/metrics", registry);
        return app;
    }
}
