using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ByokGateway.Management;

/// <summary>Adds the management port to the addresses the server binds, next to the main URLs.</summary>
internal sealed class ManagementListener(IServer server, IOptions<ManagementOptions> options) : IStartupFilter
{
    // Kestrel's own choice when no URL is configured, which adding an address would otherwise replace.
    private const string KestrelDefaultAddress = "http://localhost:5000";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        // Startup filters run after the host has copied the configured URLs (ASPNETCORE_URLS,
        // --urls, ASPNETCORE_HTTP_PORTS) into the server's addresses and before the server binds
        // them: adding the port here keeps every way operators set the main URLs working.
        if (options.Value.Port is { } port && server.Features.Get<IServerAddressesFeature>() is { Addresses.IsReadOnly: false } feature)
        {
            AddListener(feature.Addresses, port);
        }

        return next;
    }

    /// <summary>
    /// Refuses <paramref name="port"/> if it clashes with the main URLs as configured (<c>urls</c>,
    /// else <c>http_ports</c> and <c>https_ports</c>: what the host copies into the server's
    /// addresses when it starts). Without any of them nothing is checked here; the listener still is.
    /// </summary>
    internal static void CheckConfiguredUrls(IConfiguration configuration, int port)
    {
        var separators = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured
            ? configured.Split(';', separators)
            : [.. Ports(WebHostDefaults.HttpPortsKey, "http"), .. Ports(WebHostDefaults.HttpsPortsKey, "https")];
        if (urls.Length > 0)
        {
            AddListener(urls.ToList(), port);
        }

        IEnumerable<string> Ports(string key, string scheme) =>
            (configuration[key] ?? "").Split(';', separators).Select(p => $"{scheme}://*:{p}");
    }

    /// <summary>Adds <c>http://{host}:{port}</c> for each host of the main addresses.</summary>
    internal static void AddListener(ICollection<string> addresses, int port)
    {
        if (addresses.Count == 0)
        {
            addresses.Add(KestrelDefaultAddress);
        }

        var main = addresses.Select(BindingAddress.Parse).Where(a => !a.IsUnixPipe && !a.IsNamedPipe).ToList();
        if (main.FirstOrDefault(a => a.Port == port) is { } clash)
        {
            throw new Hosting.SidecarConfigurationException(
                $"Management:Port {port} is also the port of the main URL {clash}; give the management port one of its own (the image uses 9000).");
        }

        var hosts = main.Select(a => a.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (hosts.Count == 0)
        {
            throw new Hosting.SidecarConfigurationException(
                "Management:Port listens on the interfaces of the main URLs, and these are all Unix sockets or named pipes; add a TCP URL or leave Management:Port empty.");
        }

        foreach (var host in hosts)
        {
            addresses.Add($"http://{host}:{port}");
        }
    }
}
