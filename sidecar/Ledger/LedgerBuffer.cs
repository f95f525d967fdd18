using System.Threading.Channels;
using ByokGateway.Observability;
using ByokGateway.Usage;
using Microsoft.Extensions.Options;

namespace ByokGateway.Ledger;

/// <summary>
/// The ledger's side of the request path: every usage record and audit event is put into a
/// bounded in-memory queue and the call returns at once; <see cref="LedgerWriter"/> empties it
/// into the store. When the queue is full (a long store outage) the new item is dropped, counted
/// in <c>byok_ledger_dropped_total</c> and logged, never silently and never by waiting.
/// </summary>
public sealed partial class LedgerBuffer : IUsageSink, IAuditSink
{
    // At most one drop warning per interval, carrying how many were dropped since the last one:
    // a full buffer must not turn into one log line per proxied call.
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly Channel<LedgerEntry> _channel;
    private readonly LedgerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<LedgerBuffer> _logger;
    private readonly Lock _dropLock = new();
    private long _droppedSinceLog;
    private DateTimeOffset _lastDropLog = DateTimeOffset.MinValue;

    public LedgerBuffer(IOptions<LedgerOptions> options, LedgerMetrics metrics, TimeProvider time, ILogger<LedgerBuffer> logger)
    {
        Capacity = options.Value.BufferCapacity;
        _channel = Channel.CreateBounded<LedgerEntry>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public int Capacity { get; }

    /// <summary>Items waiting in the queue (not counting the batch the writer holds).</summary>
    public int Count => _channel.Reader.Count;

    internal ChannelReader<LedgerEntry> Reader => _channel.Reader;

    public void Record(UsageRecord record) => Add(new LedgerEntry(record, null));

    public void Record(AuditEvent auditEvent) => Add(new LedgerEntry(null, auditEvent));

    /// <summary>No more items are accepted (stopping); the writer writes what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    private void Add(LedgerEntry entry)
    {
        // TryWrite on a bounded channel in Wait mode never waits: it answers false when full.
        if (_channel.Writer.TryWrite(entry))
        {
            return;
        }

        _metrics.Dropped(entry.Kind);
        try
        {
            LogDropIfDue(entry.Kind);
        }
        catch (Exception)
        {
            // Logging must not make Record throw on the request path; the counter already counted it.
        }
    }

    private void LogDropIfDue(string kind)
    {
        var now = _time.GetUtcNow();
        long dropped;
        lock (_dropLock)
        {
            _droppedSinceLog++;
            if (now - _lastDropLog < DropLogInterval)
            {
                return;
            }

            dropped = _droppedSinceLog;
            _droppedSinceLog = 0;
            _lastDropLog = now;
        }

        LogDropped(_logger, dropped, kind, Capacity);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
        Message = "The usage ledger's write buffer is full ({Capacity} items): dropped {Dropped} items since the last warning (latest: {Kind}); the store is unreachable or slower than the traffic. Counted in byok_ledger_dropped_total")]
    private static partial void LogDropped(ILogger logger, long dropped, string kind, int capacity);
}
