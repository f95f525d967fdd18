using Microsoft.Extensions.Options;

namespace ByokGateway.Ledger;

/// <summary>
/// Empties <see cref="LedgerBuffer"/> into the store in batches, one transaction each, off the
/// request path. A failing store keeps the batch and retries with back-off while new records
/// queue up behind it (bounded by the buffer). Stopping writes everything queued, for as long as
/// the host's shutdown timeout allows; what is left then is counted as dropped and logged.
/// </summary>
public sealed partial class LedgerWriter(
    LedgerBuffer buffer,
    LedgerStore store,
    LedgerHealth health,
    LedgerMetrics metrics,
    IOptions<LedgerOptions> options,
    TimeProvider time,
    ILogger<LedgerWriter> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stoppingSource = new();
    private Task _loop = Task.CompletedTask;
    private readonly List<LedgerEntry> _batch = [];
    private volatile bool _stopping;

    /// <summary>A first, bounded try at the schema, so a local SQLite file is ready as the gateway starts; a store that does not answer is retried in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            first.CancelAfter(FirstAttemptTimeout);
            await TrySchemaAsync(first.Token);
        }

        // Not BackgroundService: its loop task does not run at all when the host stops before the
        // thread pool started it, and then nothing buffered would be written.
        _loop = Task.Run(() => RunAsync(_stoppingSource.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        buffer.Complete();
        await _stoppingSource.CancelAsync();
        await using (cancellationToken.Register(_abort.Cancel))
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _stoppingSource.Dispose();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var abort = _abort.Token;
        var delay = MinRetryDelay;
        try
        {
            while (health.Problem is not null && !await TrySchemaAsync(abort))
            {
                metrics.SetBuffered(buffer.Count);
                if (_stopping && buffer.Count == 0)
                {
                    return;
                }

                await Task.Delay(delay, time, abort);
                delay = Next(delay);
            }

            delay = MinRetryDelay;
            while (true)
            {
                if (_batch.Count == 0 && !await FillBatchAsync(stoppingToken, abort))
                {
                    return;
                }

                if (await TryWriteAsync(abort))
                {
                    delay = MinRetryDelay;
                }
                else
                {
                    await Task.Delay(delay, time, abort);
                    delay = Next(delay);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            CountLost();
        }
    }

    /// <summary>Waits for records, lets a batch gather for the flush interval, takes up to a batch; false when stopped and empty.</summary>
    private async Task<bool> FillBatchAsync(CancellationToken stoppingToken, CancellationToken abort)
    {
        if (!await buffer.Reader.WaitToReadAsync(abort))
        {
            return false;
        }

        var batchSize = options.Value.BatchSize;
        if (!_stopping && buffer.Count < batchSize && options.Value.FlushInterval > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(options.Value.FlushInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: write at once.
            }
        }

        while (_batch.Count < batchSize && buffer.Reader.TryRead(out var entry))
        {
            _batch.Add(entry);
        }

        return true;
    }

    private async Task<bool> TryWriteAsync(CancellationToken abort)
    {
        try
        {
            await store.WriteAsync(_batch, abort);
        }
        catch (Exception e) when (!abort.IsCancellationRequested && IsRefusal(e))
        {
            // The store answered but refused the batch: a record in it would fail every retry and
            // hold up everything behind it. Written one by one, the refused ones are dropped.
            return await TryWriteEachAsync(abort);
        }
        catch (Exception e) when (!abort.IsCancellationRequested)
        {
            Failed(e);
            return false;
        }

        var usage = _batch.Count(e => e.Usage is not null);
        metrics.Written(LedgerKinds.Usage, usage);
        metrics.Written(LedgerKinds.Audit, _batch.Count - usage);
        _batch.Clear();
        Succeeded();
        return true;
    }

    private async Task<bool> TryWriteEachAsync(CancellationToken abort)
    {
        while (_batch.Count > 0)
        {
            var entry = _batch[0];
            try
            {
                await store.WriteAsync([entry], abort);
                metrics.Written(entry.Kind, 1);
            }
            catch (Exception e) when (!abort.IsCancellationRequested && IsRefusal(e))
            {
                metrics.Dropped(entry.Kind);
                LogRefused(logger, entry.Kind, entry.Usage?.Id ?? entry.Audit?.Id ?? Guid.Empty, e.GetType().Name, e.Message.Split('\n', 2)[0].Trim());
            }
            catch (Exception e) when (!abort.IsCancellationRequested)
            {
                Failed(e);
                return false;
            }

            _batch.RemoveAt(0);
        }

        Succeeded();
        return true;
    }

    /// <summary>Failures that repeat however often the same record is retried: the store refused the data itself.</summary>
    private static bool IsRefusal(Exception e) => e switch
    {
        // Class 22: data exception; class 23: integrity constraint violation.
        Npgsql.PostgresException postgres => postgres.SqlState.StartsWith("22", StringComparison.Ordinal) || postgres.SqlState.StartsWith("23", StringComparison.Ordinal),
        // SQLITE_CONSTRAINT, SQLITE_MISMATCH.
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode is 19 or 20,
        System.Data.Common.DbException => false,
        // Values the client library cannot bind.
        InvalidOperationException or ArgumentException or InvalidCastException or FormatException or OverflowException => true,
        _ => false,
    };

    private void Failed(Exception e)
    {
        metrics.WriteFailed();
        health.Failing(e);
        metrics.SetBuffered(buffer.Count + _batch.Count);
        LogWriteFailed(logger, store.Dialect, store.Location, e.GetType().Name, health.Problem ?? string.Empty, buffer.Count + _batch.Count);
    }

    private void Succeeded()
    {
        metrics.SetBuffered(buffer.Count);
        if (health.Working())
        {
            LogWorkingAgain(logger, store.Dialect, store.Location);
        }
    }

    private async Task<bool> TrySchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.EnsureSchemaAsync(cancellationToken);
            health.Working();
            LogReady(logger, store.Dialect, store.Location);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            health.Failing(e);
            LogSchemaFailed(logger, store.Dialect, store.Location, health.Problem ?? string.Empty);
            return false;
        }
    }

    private void CountLost()
    {
        var lost = _batch.ToList();
        _batch.Clear();
        while (buffer.Reader.TryRead(out var entry))
        {
            lost.Add(entry);
        }

        foreach (var entry in lost)
        {
            metrics.Dropped(entry.Kind);
        }

        metrics.SetBuffered(0);
        if (lost.Count > 0)
        {
            LogLostAtShutdown(logger, lost.Count, store.Dialect, store.Location, health.Problem ?? "the shutdown timeout ended first");
        }
    }

    private static TimeSpan Next(TimeSpan delay) => delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Usage ledger: {Dialect} at {Location}, schema up to date")]
    private static partial void LogReady(ILogger logger, string dialect, string location);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Usage ledger: cannot write to {Dialect} at {Location} ({ExceptionType}: {Reason}); {Buffered} records buffered in memory, retrying with back-off")]
    private static partial void LogWriteFailed(ILogger logger, string dialect, string location, string exceptionType, string reason, int buffered);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "Usage ledger: {Dialect} at {Location} is written again")]
    private static partial void LogWorkingAgain(ILogger logger, string dialect, string location);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Error, Message = "Usage ledger: {Count} records were not written to {Dialect} at {Location} before the gateway stopped ({Reason}); counted in byok_ledger_dropped_total")]
    private static partial void LogLostAtShutdown(ILogger logger, int count, string dialect, string location, string reason);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Error, Message = "Usage ledger: the store refused a {Kind} entry ({EntryId}) and it was dropped ({ExceptionType}: {Reason}); counted in byok_ledger_dropped_total")]
    private static partial void LogRefused(ILogger logger, string kind, Guid entryId, string exceptionType, string reason);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "Usage ledger: cannot prepare the schema in {Dialect} at {Location} ({Reason}); the gateway proxies and buffers usage meanwhile, retrying with back-off")]
    private static partial void LogSchemaFailed(ILogger logger, string dialect, string location, string reason);
}
