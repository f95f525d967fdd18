using Prometheus;
using Serilog;
using Serilog.Formatting.Compact;

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
        // preserveStaticLogger: each host logs through its own logger rather than the static
        // Log.Logger, so several gateways in one process (tests) never swap each other's logs.
        builder.Services.AddSerilog(
            (services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        },
            preserveStaticLogger: true);

        // One registry per host rather than prometheus-net's static default, so several gateways
        // in one process (tests) each count only their own traffic.
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IMetricFactory>(Metrics.WithCustomRegistry(registry));
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<CollectorRegistry>();
        app.MapMetrics("/metrics", registry);
        return app;
    }
}
