using System.Buffers;
using System.Diagnostics;

namespace ByokGateway.Usage;

/// <summary>
/// The client's response body, seen on its way out: every write goes straight on to the client
/// (nothing is held back or delayed), and the tap keeps a copy of the first <see cref="HeadSize"/>
/// bytes and of the last <see cref="TailSize"/> bytes, where every provider puts its usage
/// (Anthropic's <c>message_start</c> at the head; OpenAI's final chunk, Anthropic's
/// <c>message_delta</c>, Gemini's <c>usageMetadata</c>, a JSON body's <c>usage</c> at the tail).
/// The per-write cost is one copy of at most <see cref="TailSize"/> bytes; parsing happens once,
/// when the call ends (<see cref="UsageParser"/>). With a <see cref="StreamUsageHider"/> (the
/// gateway asked for the usage chunk the client did not), stream events go out without it.
/// </summary>
internal sealed class UsageTap(Stream inner, HttpResponse response, StreamUsageRequest? injection) : Stream
{
    // Sized for what the parser reads, no more: each open stream holds both buffers for its whole
    // life, and at 5,000 streams 4 + 16 KB per stream (the first sizes) was 100 MB of pool misses per
    // round and twice nginx's memory per stream (bench/README.md, streams). Anthropic's message_start
    // is a few hundred bytes; every final usage object (OpenAI's last chunk, Anthropic's
    // message_delta, Gemini's usageMetadata, the Responses API's response.completed, whose usage
    // comes after its output) ends within the last kilobyte or two of a body.
    public const int HeadSize = 2 * 1024;
    public const int TailSize = 4 * 1024;

    // The copies come from a pool of their own, not ArrayPool<byte>.Shared: the shared pool keeps a
    // few dozen arrays per size, and with thousands of streams open each one's head and tail missed
    // it, so every response allocated 6 KB that lived as long as the stream, survived two
    // collections and was copied by both (bench/README.md, streams: the promoted bytes per GC).
    // This pool keeps up to MaxPooledStreams of each; beyond that arrays are allocated and dropped.
    internal const int MaxPooledStreams = 8192;
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(TailSize, MaxPooledStreams);

    private byte[]? _head;
    private int _headLength;
    private UsageParser.HeadFacts? _headFacts;
    private byte[]? _tail;
    private int _tailEnd; // next write position in the ring
    private long _written;
    private StreamUsageHider? _hider;
    private bool _disposed;

    /// <summary>The <see cref="Stopwatch"/> timestamp of the first body byte; 0 when none was written.</summary>
    public long FirstByte { get; private set; }

    /// <summary>The body is a stream of server-sent events.</summary>
    public bool EventStream { get; private set; }

    /// <summary>The body has a content coding other than identity: its bytes are not readable JSON.</summary>
    public bool Encoded { get; private set; }

    /// <summary>The usage chunk the gateway asked for was kept from the client.</summary>
    public bool HidUsage => _hider?.Hid == true;

    /// <summary>Bytes the provider sent (before any hiding).</summary>
    public long Written => _written;

    /// <summary>SSE <c>data:</c> lines seen in an event stream: about one token each in LLM streams, the estimate for a stream whose usage never came.</summary>
    public long Events { get; private set; }

    /// <summary>
    /// What the parser needs from the first <see cref="HeadSize"/> bytes. Read as soon as the head is
    /// complete, when its buffer goes back to the pool: a stream does not hold it for its whole life
    /// (at 5,000 open streams that is 10 MB); a shorter body's head is read here, at the end.
    /// </summary>
    public UsageParser.HeadFacts HeadFacts() => _headFacts ??= UsageParser.ReadHead(_head.AsSpan(0, _headLength), EventStream);

    /// <summary>The last bytes written, in order (copies the ring once; call at the end).</summary>
    public ReadOnlySpan<byte> Tail()
    {
        if (_tail is null)
        {
            return [];
        }

        if (_written <= TailSize)
        {
            return _tail.AsSpan(0, (int)_written);
        }

        // Rotate so the oldest byte comes first.
        var ordered = Buffers.Rent(TailSize);
        _tail.AsSpan(_tailEnd, TailSize - _tailEnd).CopyTo(ordered);
        _tail.AsSpan(0, _tailEnd).CopyTo(ordered.AsSpan(TailSize - _tailEnd));
        Buffers.Return(_tail);
        _tail = ordered;
        _tailEnd = 0; // the ring now starts at 0: a second call returns the same bytes
        return _tail.AsSpan(0, TailSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Observe(buffer);
        if (_hider is not null)
        {
            _hider.Write(buffer, inner);
            return;
        }

        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        return _hider is not null ? _hider.WriteAsync(buffer, inner, cancellationToken) : inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <summary>Sends what the hider still holds (an event without its blank line at the very end).</summary>
    public ValueTask DrainAsync(CancellationToken cancellationToken) =>
        _hider is null ? ValueTask.CompletedTask : _hider.DrainAsync(inner, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Not the client's stream: only the copies go back to the pool.
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_head is not null)
            {
                Buffers.Return(_head);
                _head = null;
            }

            if (_tail is not null)
            {
                Buffers.Return(_tail);
                _tail = null;
            }

            _hider?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (FirstByte == 0)
        {
            Start();
        }

        if (_headLength < HeadSize && _head is { } head)
        {
            var count = Math.Min(HeadSize - _headLength, data.Length);
            data[..count].CopyTo(head.AsSpan(_headLength));
            _headLength += count;
            if (_headLength == HeadSize)
            {
                _headFacts = UsageParser.ReadHead(head.AsSpan(0, HeadSize), EventStream);
                Buffers.Return(head);
                _head = null;
            }
        }

        var tail = _tail!;
        if (data.Length >= TailSize)
        {
            data[^TailSize..].CopyTo(tail);
            _tailEnd = 0;
        }
        else
        {
            var first = Math.Min(TailSize - _tailEnd, data.Length);
            data[..first].CopyTo(tail.AsSpan(_tailEnd));
            data[first..].CopyTo(tail);
            _tailEnd = (_tailEnd + data.Length) % TailSize;
        }

        if (EventStream)
        {
            // Vectorized search, a few nanoseconds per chunk; a "data:" split across two writes is not counted (an estimate).
            Events += data.Count("data:"u8);
        }

        _written += data.Length;
    }

    // The first write: the response headers are final, so this is where the body's kind is known.
    private void Start()
    {
        FirstByte = Stopwatch.GetTimestamp();
        _head = Buffers.Rent(HeadSize);
        _tail = Buffers.Rent(TailSize);
        var contentType = response.ContentType;
        EventStream = contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
        var encoding = response.Headers.ContentEncoding;
        Encoded = encoding.Count > 0 && !(encoding.Count == 1 && string.Equals(encoding[0], "identity", StringComparison.OrdinalIgnoreCase));
        if (injection?.Injected == true && EventStream && !Encoded && response.StatusCode == StatusCodes.Status200OK)
        {
            _hider = new StreamUsageHider();
        }
    }
}
