using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace ByokGateway.Observability;

/// <summary>
/// Standard output through a 64 KB buffer: events are formatted into it on the logging thread,
/// and it is written out when full, on a timer, at every warning or error, and at shutdown.
/// Nothing is dropped; if the reader of standard output stalls, logging threads wait for it.
/// </summary>
/// <remarks>
/// Measured per proxied call (bench/run.sh): a flushed console write per event, under the console
/// lock, was the largest cost the gateway added; a queue to a background writer (Serilog's async
/// and batching sinks) still woke that writer for nearly every event at moderate load.
/// </remarks>
internal sealed class BufferedConsoleSink : ILogEventSink, IDisposable
{
    private readonly ITextFormatter _formatter;
    private readonly StreamWriter _output;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private bool _pending;

    public BufferedConsoleSink(ITextFormatter formatter, Stream output, TimeProvider time, TimeSpan flushInterval)
    {
        _formatter = formatter;
        _output = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true) { AutoFlush = false };
        _timer = time.CreateTimer(_ => Flush(), null, flushInterval, flushInterval);
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            _formatter.Format(logEvent, _output);
            _pending = true;
            if (logEvent.Level >= LogEventLevel.Warning)
            {
                FlushLocked();
            }
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            FlushLocked();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            FlushLocked();
            _output.Dispose();
        }
    }

    private void FlushLocked()
    {
        if (!_pending)
        {
            return;
        }

        try
        {
            _output.Flush();
        }
        catch (IOException)
        {
            // Standard output went away (closed pipe); nothing else can be done with the text.
        }

        _pending = false;
    }
}
