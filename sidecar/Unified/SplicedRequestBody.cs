using ByokGateway.Hosting;

namespace ByokGateway.Unified;

/// <summary>
/// The request body as the provider gets it: the bytes already read (<see cref="BodyPrefix"/>)
/// with one range replaced (the <c>model</c> value's provider prefix), then the rest of the
/// client's body as it arrives. Only the prefix is held; the rest streams through untouched.
/// Owns the prefix and returns its buffers on dispose.
/// </summary>
internal sealed class SplicedRequestBody(BodyPrefix prefix, long cutStart, long cutEnd, ReadOnlyMemory<byte> replacement, Stream rest) : ReadOnlyStream
{
    private long _position; // in the prefix, skipping the cut
    private int _replaced; // bytes of the replacement already returned

    /// <summary>How much shorter (negative) or longer the forwarded body is than the client's.</summary>
    public long LengthChange => replacement.Length - (cutEnd - cutStart);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var copied = ReadPrefix(buffer.Span);
        return copied > 0 || buffer.IsEmpty ? ValueTask.FromResult(copied) : rest.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        var copied = ReadPrefix(buffer);
        return copied > 0 || buffer.IsEmpty ? copied : rest.Read(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            prefix.Dispose();
        }

        base.Dispose(disposing);
    }

    // Prefix before the cut, the replacement, prefix after the cut; 0 once all of it was returned.
    private int ReadPrefix(Span<byte> buffer)
    {
        var copied = 0;
        while (copied < buffer.Length)
        {
            int count;
            if (_position < cutStart)
            {
                count = prefix.CopyTo(_position, cutStart, buffer[copied..]);
                _position += count;
            }
            else if (_replaced < replacement.Length)
            {
                count = Math.Min(replacement.Length - _replaced, buffer.Length - copied);
                replacement.Span.Slice(_replaced, count).CopyTo(buffer[copied..]);
                _replaced += count;
            }
            else
            {
                _position = Math.Max(_position, cutEnd);
                count = prefix.CopyTo(_position, prefix.Length, buffer[copied..]);
                _position += count;
                if (count == 0)
                {
                    break;
                }
            }

            copied += count;
        }

        return copied;
    }
}
