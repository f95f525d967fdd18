using System.Net;
using ByokGateway.Security;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Security;

public sealed class OutboundGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:a00:1::1")]
    public void IsPublic_InternalAddress_IsFalse(string address) =>
        Assert.False(OutboundGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void IsPublic_GlobalAddress_IsTrue(string address) =>
        Assert.True(OutboundGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://llm.example.com/v1", "https")]
    [InlineData("https://user:pass@llm.example.com/v1", "user name or password")]
    [InlineData("https://llm.example.com/v1?x=1", "query")]
    [InlineData("llm.example.com/v1", "absolute URL")]
    [InlineData("https://127.0.0.1/v1", "internal address")]
    [InlineData("https://[::1]/v1", "internal address")]
    [InlineData("https://169.254.169.254/latest", "internal address")]
    [InlineData("https://internal.example.com/v1", "internal address")]
    [InlineData("https://mixed.example.com/v1", "internal address")]
    public async Task ValidateEndpointAsync_UnacceptableUrl_SaysWhy(string url, string expected)
    {
        var guard = Guard(new StaticDns());

        var problem = await guard.ValidateEndpointAsync(url, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateEndpointAsync_PublicHttpsUrl_IsAccepted() =>
        Assert.Null(await Guard(new StaticDns()).ValidateEndpointAsync("https://llm.example.com/v1", CancellationToken.None));

    [Fact]
    public async Task ValidateEndpointAsync_HttpAllowedForDevelopment_IsAccepted() =>
        Assert.Null(await Guard(new StaticDns(), new OutboundGuardOptions { AllowHttp = true }).ValidateEndpointAsync("http://llm.example.com/v1", CancellationToken.None));

    [Fact]
    public async Task Connect_HostRebindsToLoopbackAfterValidation_IsRefusedAtConnectTime()
    {
        await using var server = await LoopbackServer.StartAsync();
        var dns = new RebindingDns(first: IPAddress.Parse("93.184.215.14"), then: IPAddress.Loopback);
        var guard = Guard(dns, new OutboundGuardOptions { AllowHttp = true });
        var url = $"http://rebind.example.com:{server.Port}/v1";

        Assert.Null(await guard.ValidateEndpointAsync(url, CancellationToken.None));
        using var client = new HttpClient(guard.CreateHandler());
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url + "/models"));

        Assert.IsType<OutboundGuardException>(error.InnerException);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Connect_PrivateNetworksAllowed_ReachesLoopbackServer()
    {
        await using var server = await LoopbackServer.StartAsync();
        var guard = Guard(new RebindingDns(IPAddress.Loopback, IPAddress.Loopback), new OutboundGuardOptions { AllowHttp = true, AllowPrivateNetworks = true });
        using var client = new HttpClient(guard.CreateHandler());

        using var response = await client.GetAsync($"http://dev.example.com:{server.Port}/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Send_UpstreamRedirects_RedirectIsNotFollowed()
    {
        await using var server = await LoopbackServer.StartAsync();
        var guard = Guard(new RebindingDns(IPAddress.Loopback, IPAddress.Loopback), new OutboundGuardOptions { AllowHttp = true, AllowPrivateNetworks = true });
        using var client = new HttpClient(guard.CreateHandler());

        using var response = await client.GetAsync($"http://dev.example.com:{server.Port}/redirect");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(1, server.Requests);
    }

    private static OutboundGuard Guard(IDnsResolver dns, OutboundGuardOptions? options = null) =>
        new(new StaticOptionsMonitor<OutboundGuardOptions>(options ?? new OutboundGuardOptions()), dns);

    private sealed class StaticDns : IDnsResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(host switch
        {
            "internal.example.com" => new[] { IPAddress.Parse("10.0.0.5") },
            "mixed.example.com" => [IPAddress.Parse("93.184.215.14"), IPAddress.Parse("192.168.0.10")],
            _ => [IPAddress.Parse("93.184.215.14")],
        });
    }

    /// <summary>A DNS server under an attacker's control: a public answer first, then an internal one.</summary>
    private sealed class RebindingDns(IPAddress first, IPAddress then) : IDnsResolver
    {
        private int _calls;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult(new[] { Interlocked.Increment(ref _calls) == 1 ? first : then });
    }

    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private LoopbackServer(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public int Requests => _requests;

        public static async Task<LoopbackServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new LoopbackServer(app);
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref server._requests);
                await next(context);
            });
            app.MapGet("/redirect", () => Results.Redirect("http://169.254.169.254/latest/meta-data"));
            app.MapGet("/{**path}", () => Results.Ok(new { data = Array.Empty<object>() }));
            await app.StartAsync();
            server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            return server;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
