using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace ByokGateway.Observability;

/// <summary>
/// Standard output for Serilog's batching sink: a batch of events is formatted into one buffer
/// and written with one write call. Batches never arrive concurrently.
/// </summary>
internal sealed class BatchedConsoleSink(ITextFormatter formatter, Stream output) : IBatchedLogEventSink, IDisposable
{
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private byte[] _bytes = new byte[64 * 1024];

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        var text = _text.GetStringBuilder().Clear();
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, _text);
        }

        foreach (var chunk in text.GetChunks())
        {
            var needed = Encoding.UTF8.GetMaxByteCount(chunk.Length);
            if (_bytes.Length < needed)
            {
                _bytes = new byte[needed];
            }

            output.Write(_bytes, 0, Encoding.UTF8.GetBytes(chunk.Span, _bytes));
        }

        output.Flush();

        // A burst can grow the buffer a lot; do not keep megabytes around afterwards.
        if (text.Capacity > 1024 * 1024)
        {
            text.Capacity = 64 * 1024;
        }

        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    // The output stays open: standard output is the process's, not this sink's.
    public void Dispose() => _text.Dispose();
}
