using ByokGateway.Ledger;
using ByokGateway.Observability;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;

namespace ByokGateway.Tests.Ledger;

/// <summary>A real host with the gateway's logging, metrics and ledger (no web server): the writer as the gateway runs it.</summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private LedgerHost(IHost host, LogCapture logs)
    {
        _host = host;
        Logs = logs;
    }

    public LogCapture Logs { get; }

    public IUsageSink Usage => _host.Services.GetRequiredService<IUsageSink>();

    public IAuditSink Audit => _host.Services.GetRequiredService<IAuditSink>();

    public LedgerMetrics Metrics => _host.Services.GetRequiredService<LedgerMetrics>();

    public static async Task<LedgerHost> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new LogCapture();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.AddObservability();
        builder.AddLedger();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new LedgerHost(host, logs);
    }

    /// <summary>A graceful stop, as on SIGTERM.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        _host.Dispose();
    }
}
