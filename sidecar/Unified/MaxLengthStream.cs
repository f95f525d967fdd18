using ByokGateway.Hosting;

namespace ByokGateway.Unified;

/// <summary>A read-only view of a stream that fails with <see cref="IOException"/> past <c>max</c> bytes: a provider's answer cannot fill the gateway's memory.</summary>
internal sealed class MaxLengthStream(Stream inner, long max) : ReadOnlyStream
{
    private long _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    private int Count(int read)
    {
        _read += read;
        return _read > max ? throw new IOException($"The answer is longer than {max} bytes.") : read;
    }
}
