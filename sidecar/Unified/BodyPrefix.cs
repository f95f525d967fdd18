using System.Buffers;

namespace ByokGateway.Unified;

/// <summary>
/// The start of a request body, read to find its <c>model</c> and kept to be forwarded: fixed-size
/// pooled segments, filled in order and never copied or grown, so holding N bytes costs N bytes
/// (plus at most one partly filled segment) however large N gets. Returned to the pool on dispose.
/// </summary>
internal sealed class BodyPrefix : IDisposable
{
    /// <summary>Segment size: a typical chat request fits in one; below the large-object heap's threshold.</summary>
    public const int SegmentSize = 16 * 1024;

    private readonly List<Segment> _segments = [];
    private bool _disposed;

    /// <summary>Bytes read so far.</summary>
    public long Length { get; private set; }

    /// <summary>True once the body ended inside the prefix (a read returned 0).</summary>
    public bool Complete { get; private set; }

    /// <summary>Reads what the body has next (one read, at most the rest of a segment); false when the body ended.</summary>
    public async ValueTask<bool> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_segments.Count == 0 || _segments[^1].Used == SegmentSize)
        {
            var segment = new Segment(ArrayPool<byte>.Shared.Rent(SegmentSize), Length);
            if (_segments.Count > 0)
            {
                _segments[^1].SetNext(segment);
            }

            _segments.Add(segment);
        }

        var last = _segments[^1];
        var read = await body.ReadAsync(last.Buffer.AsMemory(last.Used, SegmentSize - last.Used), cancellationToken);
        if (read == 0)
        {
            Complete = true;
            return false;
        }

        last.Grow(read);
        Length += read;
        return true;
    }

    /// <summary>The bytes from <paramref name="start"/> to the end of what was read, without copying.</summary>
    public ReadOnlySequence<byte> Slice(long start)
    {
        if (Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = (int)(start / SegmentSize);
        if (first == _segments.Count)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var last = _segments[^1];
        return new ReadOnlySequence<byte>(_segments[first], (int)(start % SegmentSize), last, last.Used);
    }

    /// <summary>Copies bytes from <paramref name="offset"/> up to <paramref name="end"/> into <paramref name="destination"/>; returns how many.</summary>
    public int CopyTo(long offset, long end, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var copied = 0;
        while (copied < destination.Length && offset < end)
        {
            var segment = _segments[(int)(offset / SegmentSize)];
            var index = (int)(offset % SegmentSize);
            var count = (int)Math.Min(Math.Min(segment.Used - index, end - offset), destination.Length - copied);
            segment.Buffer.AsSpan(index, count).CopyTo(destination[copied..]);
            copied += count;
            offset += count;
        }

        return copied;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment.Buffer);
        }

        _segments.Clear();
    }

    // One node of the sequence. Its memory grows as reads fill the buffer; sequences taken
    // earlier keep their own end, so they stay valid.
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] buffer, long runningIndex)
        {
            Buffer = buffer;
            RunningIndex = runningIndex;
            Memory = ReadOnlyMemory<byte>.Empty;
        }

        public byte[] Buffer { get; }

        public int Used => Memory.Length;

        public void Grow(int count) => Memory = Buffer.AsMemory(0, Used + count);

        public void SetNext(Segment next) => Next = next;
    }
}
