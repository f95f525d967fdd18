using ByokGateway.Keycloak;
using ByokGateway.Keys;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Writes the <c>last_used</c> days that <see cref="GatewayKeyUsage"/> queued, one read-modify-write
/// at a time, off the request path. The day is only written when Keycloak's copy is older, so a day
/// another replica wrote first, a revoked key or a disabled user causes no write.
/// </summary>
public sealed partial class GatewayKeyUsageWriter(
    GatewayKeyUsage usage,
    KeyStore store,
    TimeProvider time,
    ILogger<GatewayKeyUsageWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pruned = DateOnly.MinValue;
        try
        {
            await foreach (var use in usage.Pending.ReadAllAsync(stoppingToken))
            {
                await WriteAsync(use, stoppingToken);
                if (use.Day > pruned)
                {
                    usage.Prune(time.GetUtcNow());
                    pruned = use.Day;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: days not written yet are written by the next day's first call at the latest.
        }
    }

    private async Task WriteAsync(GatewayKeyUse use, CancellationToken cancellationToken)
    {
        try
        {
            var written = await store.UpdateAsync(
                use.UserId,
                (current, editor) =>
                {
                    if (!current.Enabled || current.FindGatewayKey(use.KeyId) is not { } key || key.LastUsed >= use.Day)
                    {
                        return false;
                    }

                    editor.StoreGatewayKey(key with { LastUsed = use.Day });
                    return true;
                },
                cancellationToken);
            if (written)
            {
                LogLastUsedWritten(logger, use.UserId, use.KeyId, use.Day);
            }
        }
        catch (UserNotFoundException)
        {
            // Deleted since the call; nothing to record.
        }
        catch (Exception e) when (e is KeycloakUnavailableException or KeycloakRequestException or AttributesNotStoredException)
        {
            usage.Failed(use, time.GetUtcNow());
            LogLastUsedFailed(logger, use.UserId, use.KeyId, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Recorded that gateway key {KeyId} of user {UserId} was used on {Day}")]
    private static partial void LogLastUsedWritten(ILogger logger, string userId, string keyId, DateOnly day);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Could not record the last use of gateway key {KeyId} of user {UserId} ({Reason}); trying again later")]
    private static partial void LogLastUsedFailed(ILogger logger, string userId, string keyId, string reason);
}
