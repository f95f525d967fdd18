using ByokGateway.Hosting;
using ByokGateway.Management;
using Microsoft.Extensions.Configuration;

namespace ByokGateway.Tests.Management;

/// <summary>Which addresses the management port adds to the main URLs (the real listeners: <see cref="ManagementPortTests"/>).</summary>
public sealed class ManagementListenerTests
{
    [Theory]
    // The image: ASPNETCORE_URLS=http://+:8080.
    [InlineData("http://+:8080", "http://+:8080;http://+:9000")]
    [InlineData("http://127.0.0.1:8080;https://127.0.0.1:8443", "http://127.0.0.1:8080;https://127.0.0.1:8443;http://127.0.0.1:9000")]
    [InlineData("http://[::1]:8080;http://127.0.0.1:8080", "http://[::1]:8080;http://127.0.0.1:8080;http://[::1]:9000;http://127.0.0.1:9000")]
    // No URL configured: Kestrel's default stays, the management port joins it on localhost.
    [InlineData("", "http://localhost:5000;http://localhost:9000")]
    public void AddListener_MainUrls_AddsManagementPortOnTheirInterfaces(string main, string expected)
    {
        var addresses = main.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();

        ManagementListener.AddListener(addresses, 9000);

        Assert.Equal(expected.Split(';'), addresses);
    }

    [Fact]
    public void AddListener_OnlyUnixSockets_RefusesWithInstructions()
    {
        var addresses = new List<string> { "http://unix:/run/byok.sock" };

        var refused = Assert.Throws<SidecarConfigurationException>(() => ManagementListener.AddListener(addresses, 9000));

        Assert.Contains("Unix sockets", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    // --urls and ASPNETCORE_URLS are the host's "urls"; ASPNETCORE_HTTP_PORTS / HTTPS_PORTS its "http_ports" / "https_ports".
    [InlineData("urls", "http://127.0.0.1:8080;http://127.0.0.1:9000", "http://127.0.0.1:9000")]
    [InlineData("http_ports", "8080;9000", "http://*:9000")]
    [InlineData("https_ports", "9000", "https://*:9000")]
    public void CheckConfiguredUrls_PortOfAMainUrl_RefusedBeforeTheHostStarts(string key, string value, string clash)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var refused = Assert.Throws<SidecarConfigurationException>(() => ManagementListener.CheckConfiguredUrls(configuration, 9000));

        Assert.Contains($"Management:Port 9000 is also the port of the main URL {clash}", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urls", "http://+:8080")]
    [InlineData("http_ports", "8080")]
    // Nothing configured: Kestrel's default, which the listener handles when it adds the port.
    [InlineData("unrelated", "x")]
    public void CheckConfiguredUrls_PortOfItsOwn_Accepted(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        ManagementListener.CheckConfiguredUrls(configuration, 9000);
    }
}
