using ByokGateway.Crypto;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace ByokGateway.Cli;

/// <summary>
/// The services the Keycloak-facing commands share with the gateway (same configuration sources,
/// same Keycloak client and key store), without the web server. Logs go to stderr so stdout
/// stays the command's output.
/// </summary>
internal static class CliHost
{
    public static IHost Build()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("ByokGateway.Audit", LogLevel.Information);

        builder.AddSidecarConfiguration();
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton<IMetricFactory>(Metrics.WithCustomRegistry(registry));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddEncryption();
        builder.AddKeycloak();
        builder.AddProviderCatalog();
        builder.AddKeyStore();
        // The ledger's reads for the usage and audit commands (no writer: the CLI records nothing).
        builder.AddLedgerQueries();
        return builder.Build();
    }
}
