using ByokGateway.Keycloak;
using ByokGateway.Ledger;
using ByokGateway.Usage;
using Microsoft.Extensions.Options;

namespace ByokGateway.Billing;

/// <summary>
/// Sends the ledger's pending usage records to Lago, oldest first, one batch at a time (DESIGN.md
/// §12). The ledger is the outbox: a record is acknowledged only after Lago accepted it, so a
/// crash or restart resends (at-least-once) and Lago's <c>transaction_id</c> (the record id) keeps
/// a resend from billing twice. While Lago is down (5xx, 429, timeouts, no connection, a wrong
/// API key) the batch waits with exponential backoff and jitter; an event Lago refuses as invalid
/// is isolated and parked so it never blocks the others.
/// </summary>
public sealed partial class LagoExporter(
    IBillingOutbox outbox,
    LagoClient lago,
    SubscriptionIds subscriptions,
    BillingMetrics metrics,
    IOptions<LagoOptions> options,
    TimeProvider time,
    ILogger<LagoExporter> logger) : BackgroundService
{
    private int _failures;

    private TimeSpan _nextDelay;

    private LagoOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lagoHost = Options.Url!.GetLeftPart(UriPartial.Authority);
        LogStarted(logger, lagoHost, Options.EventCode);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The ledger itself failed (store down): nothing was lost, the records stay pending.
                wait = NextDelay();
                LogLedgerFailed(logger, e.GetType().Name, wait);
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One claim-and-send; returns how long to wait before the next (zero: more may be pending).</summary>
    internal async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        var lease = Options.RequestTimeout * (Options.BatchSize + 2);
        var records = await outbox.ClaimAsync(Options.BatchSize, lease, cancellationToken);
        if (records.Count == 0)
        {
            metrics.Pending(await outbox.PendingCountAsync(cancellationToken));
            return Options.PollInterval;
        }

        bool delivered;
        try
        {
            delivered = await ExportAsync(records, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping mid-send: release the claim so the next start (or another replica) sends
            // them at once instead of after the lease.
            await outbox.RetryLaterAsync(records.Select(r => r.Id).ToArray(), time.GetUtcNow(), CancellationToken.None);
            throw;
        }

        metrics.Pending(await outbox.PendingCountAsync(cancellationToken));
        if (delivered)
        {
            _failures = 0;
            return TimeSpan.Zero;
        }

        return NextDelay();
    }

    /// <summary>False when Lago (or Keycloak) could not be reached and the records wait for the backoff.</summary>
    private async Task<bool> ExportAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        List<LagoEvent> events;
        try
        {
            events = await ToEventsAsync(records, cancellationToken);
        }
        catch (Exception e) when (e is KeycloakUnavailableException or KeycloakRequestException)
        {
            await RetryAsync(records, PeekDelay(), cancellationToken);
            LogSubscriptionUnavailable(logger, records.Count, e.GetType().Name);
            return false;
        }

        var result = await lago.SendAsync(events, cancellationToken);
        switch (result.Outcome)
        {
            case LagoSendOutcome.Accepted:
            case LagoSendOutcome.Duplicate when records.Count == 1:
                await AcknowledgeAsync(records, cancellationToken);
                return true;
            case LagoSendOutcome.Failed:
                await FailAsync(records, result, cancellationToken);
                return false;
            default:
                // Lago stores a batch all or nothing: find the events it refuses by sending each alone.
                LogBatchRejected(logger, records.Count, result.Reason);
                return await ExportOneByOneAsync(records, events, cancellationToken);
        }
    }

    private async Task<bool> ExportOneByOneAsync(IReadOnlyList<UsageRecord> records, List<LagoEvent> events, CancellationToken cancellationToken)
    {
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var result = await lago.SendAsync([events[i]], cancellationToken);
            switch (result.Outcome)
            {
                case LagoSendOutcome.Accepted:
                case LagoSendOutcome.Duplicate:
                    await AcknowledgeAsync([record], cancellationToken);
                    break;
                case LagoSendOutcome.Rejected:
                    await outbox.RetryLaterAsync([record.Id], time.GetUtcNow() + Options.RejectedRetryDelay, cancellationToken);
                    metrics.Rejected(1);
                    LogEventRejected(logger, record.Id, record.UserId, result.Reason, Options.RejectedRetryDelay);
                    break;
                default:
                    await FailAsync(records.Skip(i).ToArray(), result, cancellationToken);
                    return false;
            }
        }

        return true;
    }

    private async Task<List<LagoEvent>> ToEventsAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var events = new List<LagoEvent>(records.Count);
        foreach (var record in records)
        {
            events.Add(ToEvent(record, await subscriptions.GetAsync(record.UserId, cancellationToken), Options.EventCode));
        }

        return events;
    }

    /// <summary>
    /// The event of one call. Token counts the response did not tell (unknown usage) are left out
    /// rather than sent as 0, so a Lago sum over them neither invents nor hides tokens, while the
    /// call still counts as a request; <c>status</c> lets a billable metric filter failed calls.
    /// </summary>
    internal static LagoEvent ToEvent(UsageRecord record, string subscriptionId, string code)
    {
        var properties = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["provider"] = record.Provider,
            ["key_source"] = record.KeySource,
            ["status"] = record.Status,
        };
        if (record.Model is not null)
        {
            properties["model"] = record.Model;
        }

        if (record.InputTokens is { } input)
        {
            properties["input_tokens"] = input;
        }

        if (record.OutputTokens is { } output)
        {
            properties["output_tokens"] = output;
        }

        if (record.CachedTokens is { } cached)
        {
            properties["cached_tokens"] = cached;
        }

        return new LagoEvent(record.Id.ToString(), subscriptionId, code, record.Timestamp.ToUnixTimeSeconds(), properties);
    }

    private async Task AcknowledgeAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        await outbox.AcknowledgeAsync(records.Select(r => r.Id).ToArray(), cancellationToken);
        metrics.Sent(records.Count);
        LogSent(logger, records.Count);
    }

    private async Task FailAsync(IReadOnlyList<UsageRecord> records, LagoSendResult result, CancellationToken cancellationToken)
    {
        var delay = PeekDelay();
        await RetryAsync(records, delay, cancellationToken);
        metrics.Failed(records.Count);
        LogSendFailed(logger, records.Count, result.Reason, delay);
    }

    private Task RetryAsync(IReadOnlyList<UsageRecord> records, TimeSpan delay, CancellationToken cancellationToken) =>
        outbox.RetryLaterAsync(records.Select(r => r.Id).ToArray(), time.GetUtcNow() + delay, cancellationToken);

    /// <summary>The delay the current failure will wait (computed once per failure, then used by <see cref="NextDelay"/>).</summary>
    private TimeSpan PeekDelay()
    {
        if (_nextDelay == TimeSpan.Zero)
        {
            _nextDelay = Backoff(_failures + 1, Options.MinRetryDelay, Options.MaxRetryDelay, Random.Shared.NextDouble());
        }

        return _nextDelay;
    }

    private TimeSpan NextDelay()
    {
        var delay = PeekDelay();
        _failures++;
        _nextDelay = TimeSpan.Zero;
        return delay;
    }

    /// <summary>Exponential backoff with "equal jitter": between half and all of min·2^(attempt-1), capped.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan min, TimeSpan max, double random)
    {
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + (capped / 2 * random));
    }

    [LoggerMessage(EventId = 8401, Level = LogLevel.Information, Message = "Billing export to Lago at {LagoHost} started (event code {EventCode})")]
    private static partial void LogStarted(ILogger logger, string lagoHost, string eventCode);

    [LoggerMessage(EventId = 8402, Level = LogLevel.Debug, Message = "Lago accepted {Count} usage events")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(EventId = 8403, Level = LogLevel.Warning, Message = "Could not send {Count} usage events to Lago ({Reason}); retrying in {Delay}")]
    private static partial void LogSendFailed(ILogger logger, int count, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 8404, Level = LogLevel.Warning, Message = "Lago refused a batch of {Count} usage events ({Reason}); sending them one by one to find the invalid ones")]
    private static partial void LogBatchRejected(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 8405, Level = LogLevel.Error, Message = "Lago refused usage event {TransactionId} of user {UserId} ({Reason}); it is offered again in {Delay}, check the Lago customer, subscription and billable metric")]
    private static partial void LogEventRejected(ILogger logger, Guid transactionId, string userId, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 8406, Level = LogLevel.Warning, Message = "Could not read the Lago subscription ids of {Count} usage events from Keycloak ({Reason}); retrying later")]
    private static partial void LogSubscriptionUnavailable(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 8407, Level = LogLevel.Warning, Message = "The ledger could not hand out pending usage records ({Reason}); retrying in {Delay}")]
    private static partial void LogLedgerFailed(ILogger logger, string reason, TimeSpan delay);
}
