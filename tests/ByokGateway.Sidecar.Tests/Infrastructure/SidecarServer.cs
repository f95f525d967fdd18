using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// The real sidecar (its Program) on a real Kestrel loopback port, configured the way an
/// operator would: settings are configuration keys and environment-variable names.
/// </summary>
public sealed class SidecarServer : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string? _ledgerDirectory;

    private SidecarServer(WebApplicationFactory<Program> factory, LogCapture logs, string? ledgerDirectory)
    {
        _factory = factory;
        _ledgerDirectory = ledgerDirectory;
        Logs = logs;
        var server = factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        Url = new Uri(server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        Services = factory.Services;
    }

    public Uri Url { get; }

    public IServiceProvider Services { get; }

    public LogCapture Logs { get; }

    public static SidecarServer Start(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var logs = new LogCapture();
        // Each sidecar gets a ledger file of its own unless the test chose where the ledger lives.
        string? ledgerDirectory = null;
        if (!settings.ContainsKey("Ledger:DataDirectory") && !settings.ContainsKey("Ledger:PostgresConnectionString"))
        {
            ledgerDirectory = NewLedgerDirectory();
            settings = new Dictionary<string, string?>(settings) { ["Ledger:DataDirectory"] = ledgerDirectory };
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseUrls("http://127.0.0.1:0");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(collection =>
            {
                collection.AddSingleton<ILogEventSink>(logs);
                services?.Invoke(collection);
            });
        });
        factory.UseKestrel();
        factory.StartServer();
        return new SidecarServer(factory, logs, ledgerDirectory);
    }

    /// <summary>A new temporary directory for a ledger's SQLite file.</summary>
    public static string NewLedgerDirectory() => Path.Combine(Path.GetTempPath(), "byok-ledger-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Deletes a ledger directory made by <see cref="NewLedgerDirectory"/> (best effort).</summary>
    public static void DeleteLedgerDirectory(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory; a file still open is removed with the next cleanup of /tmp.
        }
    }

    /// <summary>A client for the sidecar; with a token, it sends it as a bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ledgerDirectory is not null)
        {
            DeleteLedgerDirectory(_ledgerDirectory);
        }
    }
}
