using System.Net;
using System.Net.Sockets;
using System.Text;
using ByokGateway.Proxy;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

using static ByokGateway.Tests.Proxy.ProxyTests;

namespace ByokGateway.Tests.Proxy;

/// <summary>
/// What leaves the proxy's socket for a request body: HttpClient's real HTTP/1.1 connection,
/// recorded write by write on its way to a Kestrel upstream. The content mimics YARP's, which
/// flushes the request headers before it copies the body.
/// </summary>
public sealed class RequestHeadCoalescingHandlerTests : IAsyncLifetime
{
    private WebApplication? _upstream;
    private Uri _upstreamUrl = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        // Echoes what arrived: length and content of the body.
        _upstream.MapPost("/v1/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return Results.Text(await reader.ReadToEndAsync());
        });
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
    public async Task SmallBody_HeadersAndBodyLeaveInOneWrite()
    {
        var body = ChatBodyOfSize(300, "m");

        var (writes, echoed) = await SendAsync(coalesce: true, new HeadersFirstContent(body, knownLength: true));

        Assert.Equal(body, echoed);
        var write = Assert.Single(writes);
        Assert.StartsWith("POST /v1/echo HTTP/1.1\r\n", write, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + body, write, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmallBody_WithoutTheHandler_HeadersLeaveAlone()
    {
        // What the handler is for: the same request straight through HttpClient costs two writes.
        var body = ChatBodyOfSize(300, "m");

        var (writes, echoed) = await SendAsync(coalesce: false, new HeadersFirstContent(body, knownLength: true));

        Assert.Equal(body, echoed);
        Assert.Equal(2, writes.Count);
        Assert.EndsWith("\r\n\r\n", writes[0], StringComparison.Ordinal);
        Assert.Equal(body, writes[1]);
    }

    [Theory]
    [InlineData(RequestHeadCoalescingHandler.MaxCoalescedBodyBytes + 1)]
    [InlineData(200_000)]
    public async Task LargeBody_HeadersStillFlushedFirst_BodyArrivesWhole(long size)
    {
        var body = ChatBodyOfSize((int)size, "m");

        var (writes, echoed) = await SendAsync(coalesce: true, new HeadersFirstContent(body, knownLength: true));

        Assert.Equal(body, echoed);
        Assert.EndsWith("\r\n\r\n", writes[0], StringComparison.Ordinal);
        Assert.DoesNotContain("{", writes[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOfUnknownLength_HeadersStillFlushedFirst_BodyArrivesWhole()
    {
        var body = ChatBodyOfSize(300, "m");

        var (writes, echoed) = await SendAsync(coalesce: true, new HeadersFirstContent(body, knownLength: false));

        Assert.Equal(body, echoed);
        Assert.Contains("Transfer-Encoding: chunked", writes[0], StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", writes[0], StringComparison.Ordinal);
    }

    private async Task<(List<string> Writes, string Echoed)> SendAsync(bool coalesce, HttpContent content)
    {
        var writes = new List<string>();
        using var sockets = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new RecordingStream(new NetworkStream(socket, ownsSocket: true), writes);
            },
        };
        using var invoker = new HttpMessageInvoker(coalesce ? new RequestHeadCoalescingHandler(sockets) : sockets, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_upstreamUrl, "v1/echo"))
        {
            Version = HttpVersion.Version11,
            Content = content,
        };

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        lock (writes)
        {
            return ([.. writes], echoed);
        }
    }

    /// <summary>Like YARP's request content: flush (the headers) first, then copy the body.</summary>
    private sealed class HeadersFirstContent : HttpContent
    {
        private readonly byte[] _body;

        public HeadersFirstContent(string body, bool knownLength)
        {
            _body = Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new("application/json");
            if (knownLength)
            {
                Headers.ContentLength = _body.Length;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            await stream.WriteAsync(_body, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>The connection's stream, remembering each write that reaches the socket.</summary>
    private sealed class RecordingStream(NetworkStream inner, List<string> writes) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Record(buffer);
            inner.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Record(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Record(ReadOnlySpan<byte> data)
        {
            lock (writes)
            {
                writes.Add(Encoding.UTF8.GetString(data));
            }
        }
    }
}
