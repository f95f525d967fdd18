using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using ByokGateway.Hosting;

namespace ByokGateway.Proxy;

/// <summary>
/// Waits for each chunk of a provider's event stream on the connection itself, so a stream that
/// idles between chunks allocates nothing. YARP copies a response by waiting for data with a
/// zero-byte read before each chunk; over HTTP/1.1 with chunked framing, HttpClient's response
/// stream serves that wait with an async method whose state machine is boxed on every wait, once
/// per chunk. At thousands of open streams those boxes are the young objects that each old
/// stream's state points to at every collection (bench/README.md, streams). Here the zero-byte read
/// goes first to the connection's transport (the socket's stream, or the TLS stream over it: both
/// wait without allocating), which is the read HttpClient itself would make at that point; then
/// HttpClient reads, and completes without suspending. Its framing, limits and errors are unchanged.
/// </summary>
/// <remarks>
/// Knowing whether HttpClient has a chunk buffered, and reaching the connection's transport, needs
/// private members of System.Net.Http (read with <see cref="UnsafeAccessorAttribute"/> and
/// reflection); when a runtime does not have them, the handler leaves every response as it is and
/// says so once. Turned off with <c>Proxy:SocketWaitForEventStreams=false</c>.
/// </remarks>
public sealed partial class EventStreamSocketWaitHandler(HttpMessageHandler inner, ILogger logger) : DelegatingHandler(inner)
{
    private static int s_unavailable; // 0 = not known, 1 = the runtime lacks the members

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Volatile.Read(ref s_unavailable) == 0
            && response.Headers.TransferEncodingChunked == true
            && response.Content.Headers.ContentType?.MediaType is { } mediaType
            && mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            var original = response.Content;
            var body = await original.ReadAsStreamAsync(cancellationToken);
            if (TransportOf(body) is { } transport)
            {
                response.Content = new WaitingContent(original, new ConnectionWaitingStream(body, transport));
            }
        }

        return response;
    }

    /// <summary>The transport under an HTTP/1.1 chunked response stream (socket or TLS stream); null for anything else.</summary>
    private Stream? TransportOf(Stream body)
    {
        if (body.GetType().FullName != Internals.ChunkedStreamType)
        {
            return null;
        }

        try
        {
            // Binds the per-chunk accessors now, so a runtime without them is found out here and
            // not in the middle of a stream. Peeking is what HttpClient's own zero-byte read does first.
            _ = Internals.PeekChunk(body);
            return Internals.Readable(body) ? Internals.Transport(body) : null;
        }
        catch (Exception e)
        {
            if (Interlocked.Exchange(ref s_unavailable, 1) == 0)
            {
                LogUnavailable(logger, e.GetType().Name);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "This runtime's HttpClient lacks the members the socket wait for event streams reads ({Error}); event streams are copied the ordinary way")]
    private static partial void LogUnavailable(ILogger logger, string error);

    /// <summary>The response's content with the waiting stream as its body; headers and disposal stay the original's.</summary>
    private sealed class WaitingContent(HttpContent original, Stream body) : StandInContent(original)
    {
        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(body);

        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => body;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            body.CopyToAsync(stream, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// HttpClient's response stream; a zero-byte read with nothing buffered first waits on the
    /// connection's transport. Every other call goes straight to HttpClient's stream.
    /// </summary>
    internal sealed class ConnectionWaitingStream(Stream inner, Stream transport) : ReadOnlyStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // A read with a buffer, a finished response, or a chunk (or the end, which the peek may
            // just have parsed) already in HttpClient's buffer: HttpClient answers as usual, without
            // I/O when data is buffered.
            if (!buffer.IsEmpty || cancellationToken.IsCancellationRequested
                || !Internals.Readable(inner) || Internals.PeekChunk(inner) || !Internals.Readable(inner))
            {
                return inner.ReadAsync(buffer, cancellationToken);
            }

            return WaitThenReadAsync(cancellationToken);
        }

        // Pooled: the box that holds a waiting stream's state is reused from one chunk to the next
        // instead of allocated per wait (the point of this class).
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> WaitThenReadAsync(CancellationToken cancellationToken)
        {
            // Returns when the connection has bytes (or the peer closed it): for TLS, once a record is
            // decrypted. A partial chunk header makes HttpClient's own read below wait for the rest,
            // as it always would.
            _ = await transport.ReadAsync(Memory<byte>.Empty, cancellationToken);
            return await inner.ReadAsync(Memory<byte>.Empty, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            inner.CopyToAsync(destination, bufferSize, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>HttpClient's private members this needs, as of .NET 10 (System.Net.Http's SocketsHttpHandler).</summary>
    private static class Internals
    {
        public const string ChunkedStreamType = "System.Net.Http.HttpConnection+ChunkedEncodingReadStream";
        private const string ChunkedStream = ChunkedStreamType + ", System.Net.Http";

        // Read once per response; the field's type (HttpConnection) is not one an accessor can return.
        private static readonly FieldInfo ConnectionField = typeof(HttpClient).Assembly.GetType("System.Net.Http.HttpContentStream")
            ?.GetField("_connection", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException("System.Net.Http.HttpContentStream", "_connection");

        private static readonly FieldInfo TransportField = ConnectionField.FieldType.GetField("_stream", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException("System.Net.Http.HttpConnection", "_stream");

        /// <summary>The transport of a response stream's connection: a NetworkStream on plain TCP, an SslStream over TLS.</summary>
        public static Stream? Transport(Stream body) => ConnectionField.GetValue(body) is { } connection ? TransportField.GetValue(connection) as Stream : null;

        /// <summary>True when the connection's buffer holds chunk data or the response's end (a read would not wait).</summary>
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "PeekChunkFromConnectionBuffer")]
        public static extern bool PeekChunk([UnsafeAccessorType(ChunkedStream)] object stream);

        /// <summary>The response still has a live connection to read from (false once read to its end, or disposed).</summary>
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_NeedsDrain")]
        public static extern bool Readable([UnsafeAccessorType(ChunkedStream)] object stream);
    }
}
