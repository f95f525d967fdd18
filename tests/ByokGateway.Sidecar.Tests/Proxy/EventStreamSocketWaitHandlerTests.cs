using System.Net;
using System.Net.Sockets;
using System.Text;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using ByokGateway.Security;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Tests.Proxy;

/// <summary>
/// Event streams read through the socket wait: HttpClient's real HTTP/1.1 connections to a Kestrel
/// upstream that paces its events, and to a raw TCP upstream for framing Kestrel never produces
/// (a chunk header split across writes, a connection dropped mid-stream). Bodies are read the way
/// YARP's copier reads them: a zero-byte read, then a read with a buffer.
/// </summary>
public sealed class EventStreamSocketWaitHandlerTests : IAsyncLifetime
{
    private WebApplication? _upstream;
    private Uri _upstreamUrl = null!;
    private int _connections;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        // n events, gap ms apart, each flushed on its own (one chunk each).
        _upstream.MapGet("/sse", async (HttpContext context, int n, int gap) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(gap, context.RequestAborted);
                }

                await context.Response.WriteAsync($"data: {{\"seq\":{i}}}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        _upstream.MapGet("/json", () => Results.Json(new { ok = true }));
        await _upstream.StartAsync(TestContext.Current.CancellationToken);
        _upstreamUrl = ServerAddress.Of(_upstream);
    }

    public async ValueTask DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task EventStream_IsReadThroughTheSocketWait_EveryEventInOrder()
    {
        using var invoker = Invoker();

        using var response = await GetAsync(invoker, "sse?n=20&gap=15");
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var text = await CopyLikeYarpAsync(body, TestContext.Current.CancellationToken);

        Assert.IsType<EventStreamSocketWaitHandler.ConnectionWaitingStream>(body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Events(20), text);
    }

    [Fact]
    public async Task EventStreamOverTls_IsReadThroughTheWait_EveryEventInOrder()
    {
        // Providers are HTTPS: the wait is a zero-byte read on the TLS stream, which returns once a
        // record is decrypted (bytes can sit decrypted there while the socket is empty).
        using var certificate = SelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await using var tls = builder.Build();
        tls.MapGet("/sse", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(10, context.RequestAborted);
                await context.Response.WriteAsync($"data: {{\"seq\":{i}}}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        await tls.StartAsync(TestContext.Current.CancellationToken);
        using var invoker = new HttpMessageInvoker(new EventStreamSocketWaitHandler(
            new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() } },
            NullLogger.Instance));

        using var response = await GetAsync(invoker, new Uri(ServerAddress.Of(tls).ToString().Replace("http://", "https://", StringComparison.Ordinal) + "sse"));
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        Assert.IsType<EventStreamSocketWaitHandler.ConnectionWaitingStream>(body);
        Assert.Equal(Events(10), await CopyLikeYarpAsync(body, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EventStreams_OneAfterAnother_ShareTheKeptAliveConnection()
    {
        using var invoker = Invoker();

        for (var round = 0; round < 3; round++)
        {
            using var response = await GetAsync(invoker, "sse?n=5&gap=5");
            var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            Assert.Equal(Events(5), await CopyLikeYarpAsync(body, TestContext.Current.CancellationToken));
        }

        // A response read to its end hands the connection back; the wait never touched a pooled one.
        Assert.Equal(1, Volatile.Read(ref _connections));
    }

    [Fact]
    public async Task JsonResponse_IsLeftAsItIs()
    {
        using var invoker = Invoker();

        using var response = await GetAsync(invoker, "json");
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        Assert.IsNotType<EventStreamSocketWaitHandler.ConnectionWaitingStream>(body);
        Assert.Equal("{\"ok\":true}", await new StreamReader(body).ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ChunkHeaderSplitAcrossWrites_EventsArriveWhole()
    {
        // "2a" then, later, the rest of the header line and the data: the socket has bytes but
        // HttpClient has no chunk yet, so its own read waits for the rest.
        var first = "data: {\"seq\":0}\n\n";
        var second = "data: {\"seq\":1, \"note\":\"split header\"}\n\n";
        await using var upstream = await RawUpstream.StartAsync(async (stream, ct) =>
        {
            await WriteAsync(stream, EventStreamHead, ct);
            await WriteAsync(stream, $"{first.Length:x}\r\n{first}\r\n", ct);
            await Task.Delay(50, ct);
            var header = $"{second.Length:x}";
            await WriteAsync(stream, header[..1], ct);
            await Task.Delay(50, ct);
            await WriteAsync(stream, $"{header[1..]}\r\n{second[..10]}", ct);
            await Task.Delay(50, ct);
            await WriteAsync(stream, $"{second[10..]}\r\n", ct);
            await Task.Delay(50, ct);
            await WriteAsync(stream, "0\r\n", ct);
            await Task.Delay(50, ct);
            await WriteAsync(stream, "\r\n", ct);
        });
        using var invoker = Invoker();

        using var response = await GetAsync(invoker, upstream.Url);
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        Assert.IsType<EventStreamSocketWaitHandler.ConnectionWaitingStream>(body);
        Assert.Equal(first + second, await CopyLikeYarpAsync(body, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UpstreamDropsTheConnectionMidStream_TheReadFails()
    {
        await using var upstream = await RawUpstream.StartAsync(async (stream, ct) =>
        {
            var first = "data: {\"seq\":0}\n\n";
            await WriteAsync(stream, EventStreamHead, ct);
            await WriteAsync(stream, $"{first.Length:x}\r\n{first}\r\n", ct);
            await Task.Delay(100, ct);
        });
        using var invoker = Invoker();

        using var response = await GetAsync(invoker, upstream.Url);
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        Assert.IsType<EventStreamSocketWaitHandler.ConnectionWaitingStream>(body);
        // HttpClient's own verdict on a chunked body that ends early, as without the wait.
        await Assert.ThrowsAnyAsync<IOException>(() => CopyLikeYarpAsync(body, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CancelledWhileWaitingForTheNextEvent_TheReadEndsAndTheConnectionIsNotReused()
    {
        using var invoker = Invoker();
        using var response = await GetAsync(invoker, "sse?n=2&gap=60000");
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[1024];
        _ = await body.ReadAsync(Memory<byte>.Empty, TestContext.Current.CancellationToken);
        Assert.Equal(Events(1), Encoding.UTF8.GetString(buffer, 0, await body.ReadAsync(buffer, TestContext.Current.CancellationToken)));
        using var cancel = new CancellationTokenSource();

        var wait = body.ReadAsync(Memory<byte>.Empty, cancel.Token).AsTask();
        Assert.False(wait.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        response.Dispose();
        using var next = await GetAsync(invoker, "sse?n=1&gap=0");
        Assert.Equal(Events(1), await CopyLikeYarpAsync(await next.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));
        Assert.Equal(2, Volatile.Read(ref _connections));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProxyOption_TurnsTheWaitOnAndOffInYarpsClients(bool on)
    {
        var factory = new GuardedForwarderHttpClientFactory(
            new ProviderCatalog(new Dictionary<string, ProviderOptions>()),
            new OutboundGuard(new StaticOptionsMonitor<OutboundGuardOptions>(new OutboundGuardOptions()), new SystemDnsResolver()),
            Options.Create(new ProxyOptions { SocketWaitForEventStreams = on }),
            NullLogger<ForwarderHttpClientFactory>.Instance,
            NullLogger<EventStreamSocketWaitHandler>.Instance);
        using var client = factory.CreateClient(new ForwarderHttpClientContext { ClusterId = "openai", NewConfig = HttpClientConfig.Empty });

        using var response = await GetAsync(client, "sse?n=3&gap=5");
        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);

        Assert.Equal(on, body is EventStreamSocketWaitHandler.ConnectionWaitingStream);
        Assert.Equal(Events(3), await CopyLikeYarpAsync(body, TestContext.Current.CancellationToken));
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the private key in a form it can use on every platform: a PKCS#12 round trip.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    private const string EventStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static string Events(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"data: {{\"seq\":{i}}}\n\n"));

    private HttpMessageInvoker Invoker()
    {
        var sockets = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref _connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpMessageInvoker(new EventStreamSocketWaitHandler(sockets, NullLogger.Instance));
    }

    private Task<HttpResponseMessage> GetAsync(HttpMessageInvoker invoker, string path) => GetAsync(invoker, new Uri(_upstreamUrl, path));

    private static async Task<HttpResponseMessage> GetAsync(HttpMessageInvoker invoker, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version11 };
        var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>YARP's StreamCopier loop: wait with a zero-byte read, then read what is there.</summary>
    private static async Task<string> CopyLikeYarpAsync(Stream body, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            _ = await body.ReadAsync(Memory<byte>.Empty, cancellationToken);
            var read = await body.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    private static async Task WriteAsync(NetworkStream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>A one-connection HTTP/1.1 upstream that writes exactly the bytes a test gives it, then closes.</summary>
    private sealed class RawUpstream : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;
        private readonly CancellationTokenSource _stop = new();

        private RawUpstream(TcpListener listener, Func<NetworkStream, CancellationToken, Task> respond)
        {
            _listener = listener;
            _serving = ServeAsync(respond);
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/sse");

        public static Task<RawUpstream> StartAsync(Func<NetworkStream, CancellationToken, Task> respond)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new RawUpstream(listener, respond));
        }

        private async Task ServeAsync(Func<NetworkStream, CancellationToken, Task> respond)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            await using var stream = client.GetStream();
            // Read the request head (a GET: no body).
            var head = new List<byte>();
            var one = new byte[1];
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0)
                {
                    return;
                }

                head.Add(one[0]);
            }

            await respond(stream, _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _serving;
            }
            catch (OperationCanceledException)
            {
            }

            _listener.Stop();
            _listener.Dispose();
            _stop.Dispose();
        }
    }
}
