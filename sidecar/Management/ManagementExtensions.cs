using Microsoft.Extensions.Options;

namespace ByokGateway.Management;

public static class ManagementExtensions
{
    /// <summary>The optional management port (<see cref="ManagementOptions"/>), listened on next to the main URLs.</summary>
    public static TBuilder AddManagementPort<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<IStartupFilter, ManagementListener>();
        return builder;
    }

    /// <summary>
    /// With a management port, requests are served only on the port their endpoint belongs to
    /// (<see cref="ManagementEndpoint"/>); anything else is a 404, before CORS or authentication
    /// run. The port a connection arrived on decides, never the Host header a client sends.
    /// </summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value.Port is not { } port)
        {
            return app;
        }

        // A clash with the configured main URLs is refused now, before the host starts anything: a
        // start that fails later cancels the background services while they start, and the host
        // reports each as a crash with a stack trace. The listener checks again when it adds the port.
        ManagementListener.CheckConfiguredUrls(app.ApplicationServices.GetRequiredService<IConfiguration>(), port);

        return app.Use((context, next) =>
        {
            var belongs = context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>();
            var served = context.Connection.LocalPort == port
                ? belongs is not null
                : belongs is null || belongs.AlsoOnMainPort;
            if (served)
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>Serves the endpoint on the management port, and only there unless <paramref name="alsoOnMainPort"/>.</summary>
    public static TBuilder OnManagementPort<TBuilder>(this TBuilder endpoint, bool alsoOnMainPort = false)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(alsoOnMainPort ? ManagementEndpoint.AndMainPort : ManagementEndpoint.Only);
}
