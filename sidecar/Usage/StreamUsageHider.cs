using System.Buffers;

namespace ByokGateway.Usage;

/// <summary>
/// On a stream whose request the gateway gave <c>stream_options.include_usage</c> (the client had
/// not asked): OpenAI then adds <c>"usage":null</c> to every chunk and one last chunk with
/// <c>"choices":[]</c> and the usage. This sends the client the stream it would have had without
/// the option: that last chunk left out, <c>"usage":null</c> cut from the others. Works on whole
/// events (up to the blank line), so it holds at most the part of one event that has not fully
/// arrived; an event longer than <see cref="MaxEvent"/> goes out unchanged.
/// </summary>
internal sealed class StreamUsageHider : IDisposable
{
    public const int MaxEvent = 64 * 1024;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> NullUsageAfter => ",\"usage\":null"u8;
    private static ReadOnlySpan<byte> NullUsageBefore => "\"usage\":null,"u8;
    private static ReadOnlySpan<byte> EmptyChoices => "\"choices\":[]"u8;
    private static ReadOnlySpan<byte> UsageObject => "\"usage\":{"u8;

    private byte[] _pending = ArrayPool<byte>.Shared.Rent(4 * 1024);
    private int _pendingLength;
    private bool _passThrough;
    private PooledOutput? _output;

    public bool Hid { get; private set; }

    public void Write(ReadOnlySpan<byte> data, Stream client)
    {
        var output = Transform(data);
        if (output.Length > 0)
        {
            client.Write(output.WrittenSpan);
        }

        output.Clear();
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, Stream client, CancellationToken cancellationToken)
    {
        var output = Transform(data.Span);
        if (output.Length > 0)
        {
            await client.WriteAsync(output.WrittenMemory, cancellationToken);
        }

        output.Clear();
    }

    public async ValueTask DrainAsync(Stream client, CancellationToken cancellationToken)
    {
        if (_pendingLength > 0)
        {
            await client.WriteAsync(_pending.AsMemory(0, _pendingLength), cancellationToken);
            _pendingLength = 0;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_pending);
        _pending = [];
        _output?.Dispose();
    }

    private PooledOutput Transform(ReadOnlySpan<byte> data)
    {
        var output = _output ??= new PooledOutput();
        if (_passThrough)
        {
            output.Write(data);
            return output;
        }

        Append(data);
        var events = _pending.AsSpan(0, _pendingLength);
        var consumed = 0;
        while (true)
        {
            var end = events[consumed..].IndexOf(EventEnd);
            if (end < 0)
            {
                break;
            }

            WriteEvent(events.Slice(consumed, end + EventEnd.Length), output);
            consumed += end + EventEnd.Length;
        }

        events[consumed..].CopyTo(_pending);
        _pendingLength -= consumed;
        if (_pendingLength > MaxEvent)
        {
            // Not a stream of small events: give up on hiding and pass everything on as it is.
            output.Write(_pending.AsSpan(0, _pendingLength));
            _pendingLength = 0;
            _passThrough = true;
        }

        return output;
    }

    private void WriteEvent(ReadOnlySpan<byte> sse, PooledOutput output)
    {
        if (sse.IndexOf(EmptyChoices) >= 0 && sse.IndexOf(UsageObject) >= 0)
        {
            Hid = true;
            return;
        }

        var at = sse.IndexOf(NullUsageAfter);
        var length = NullUsageAfter.Length;
        if (at < 0)
        {
            at = sse.IndexOf(NullUsageBefore);
            length = NullUsageBefore.Length;
        }

        if (at < 0)
        {
            output.Write(sse);
            return;
        }

        output.Write(sse[..at]);
        output.Write(sse[(at + length)..]);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_pendingLength + data.Length > _pending.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_pending.Length * 2, _pendingLength + data.Length));
            _pending.AsSpan(0, _pendingLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = larger;
        }

        data.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += data.Length;
    }

    // What goes to the client from one write; reused across writes.
    private sealed class PooledOutput : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4 * 1024);

        public int Length { get; private set; }

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

        public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

        public void Write(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + data.Length));
                _buffer.AsSpan(0, Length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            data.CopyTo(_buffer.AsSpan(Length));
            Length += data.Length;
        }

        public void Clear() => Length = 0;

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
