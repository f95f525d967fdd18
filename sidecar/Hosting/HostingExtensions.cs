using System.Text.Json;
using ByokGateway.Management;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ByokGateway.Hosting;

public static class HostingExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>Problem details for every error, health checks and the OpenAPI document.</summary>
    public static TBuilder AddSidecarHosting<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails(options =>
        {
            var previous = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                ProblemDetailDefaults.Apply(context);
            };
        });
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        // Kestrel runs the request pipeline and its socket output on the socket engine thread that
        // read the data, instead of handing each to the thread pool: with streaming responses that
        // is one hand-off less per chunk. Measured on 2 cores (bench/README.md, streams, 2 Dec
        // 15:00): CPU per 1,000 chunks at 500 streams 56-58 ms against 75-76 ms, small calls
        // unchanged. Safe for the same reason as inline socket completions (RuntimeTuning): nothing on the
        // request path blocks. It needs one engine thread per core (RuntimeTuning.Defaults); with one
        // for two cores, 5,000 streams saturated it. Hosting__InlineScheduling=false turns it off.
        var inline = builder.Configuration.GetValue("Hosting:InlineScheduling", defaultValue: true);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = inline);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHealthChecks()
            .AddCheck<EncryptionHealthCheck>("encryption", tags: [ReadyTag])
            .AddCheck<KeycloakHealthCheck>("keycloak", tags: [ReadyTag]);
        builder.Services.AddOpenApi();

        // HttpClientFactory's loggers put every request header into the structured log state at
        // Trace level, unredacted whatever RedactLoggedHeaders says (the message text is
        // redacted, the properties are not). Provider clients carry users' keys and the Keycloak
        // client the service-account token, so these loggers are removed; the gateway logs its
        // outbound calls itself (key tests, Keycloak metrics) without headers.
        builder.Services.ConfigureHttpClientDefaults(client => client.RemoveAllLoggers());
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// <c>/healthz</c> (live: the process serves requests; on every port, for container probes),
    /// <c>/readyz</c> (keys loaded, Keycloak reachable) and the OpenAPI document, these two on the
    /// management port when one is configured.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).OnManagementPort(alsoOnMainPort: true);
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        }).OnManagementPort();
        app.MapOpenApi().OnManagementPort();
        return app;
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
