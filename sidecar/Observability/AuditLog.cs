namespace ByokGateway.Observability;

/// <summary>
/// Audit events for changes to users' keys and gateway keys, under their own logger category
/// (<c>ByokGateway.Audit</c>) so operators can route them separately. They name the user and the
/// provider, never the key or its ciphertext.
/// Each event also goes to every registered <see cref="IAuditSink"/> (the ledger, DESIGN.md §12).
/// </summary>
public sealed partial class AuditLog(ILoggerFactory loggers, IEnumerable<IAuditSink> sinks, TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger("ByokGateway.Audit");
    private readonly IAuditSink[] _sinks = [.. sinks];

    public void KeyAdded(string userId, string provider)
    {
        LogKeyAdded(_logger, userId, provider);
        Record(userId, AuditActions.KeyAdded, provider, null);
    }

    public void KeyRemoved(string userId, string provider)
    {
        LogKeyRemoved(_logger, userId, provider);
        Record(userId, AuditActions.KeyRemoved, provider, null);
    }

    public void KeyTested(string userId, string provider, string status)
    {
        LogKeyTested(_logger, userId, provider, status);
        Record(userId, AuditActions.KeyTested, provider, status);
    }

    public void KeysRotated(string userId, int keys)
    {
        LogKeysRotated(_logger, userId, keys);
        Record(userId, AuditActions.KeysRotated, null, keys.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void GatewayKeyCreated(string userId, string keyId, string expires)
    {
        LogGatewayKeyCreated(_logger, userId, keyId, expires);
        Record(userId, AuditActions.GatewayKeyCreated, null, keyId);
    }

    public void GatewayKeyRevoked(string userId, string keyId)
    {
        LogGatewayKeyRevoked(_logger, userId, keyId);
        Record(userId, AuditActions.GatewayKeyRevoked, null, keyId);
    }

    /// <summary>A call refused by a usage limit; <paramref name="limit"/> names it (e.g. <c>system:tokens_per_day</c>).</summary>
    public void LimitRefused(string userId, string provider, string limit)
    {
        LogLimitRefused(_logger, userId, provider, limit);
        Record(userId, AuditActions.LimitRefused, provider, limit);
    }

    private void Record(string userId, string action, string? provider, string? detail)
    {
        if (_sinks.Length == 0)
        {
            return;
        }

        var auditEvent = new AuditEvent(Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), userId, action, provider, detail);
        foreach (var sink in _sinks)
        {
            sink.Record(auditEvent);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Audit: user {UserId} added a key for {Provider}")]
    private static partial void LogKeyAdded(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Audit: user {UserId} removed the key for {Provider}")]
    private static partial void LogKeyRemoved(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Audit: user {UserId} tested the key for {Provider}: {TestStatus}")]
    private static partial void LogKeyTested(ILogger logger, string userId, string provider, string testStatus);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Audit: re-encrypted {KeyCount} keys of user {UserId} with the current encryption key")]
    private static partial void LogKeysRotated(ILogger logger, string userId, int keyCount);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "Audit: a {Limit} limit refused a {Provider} call of user {UserId}")]
    private static partial void LogLimitRefused(ILogger logger, string userId, string provider, string limit);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Audit: user {UserId} created gateway key {GatewayKeyId}, expiring {Expires}")]
    private static partial void LogGatewayKeyCreated(ILogger logger, string userId, string gatewayKeyId, string expires);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Audit: user {UserId} revoked gateway key {GatewayKeyId}")]
    private static partial void LogGatewayKeyRevoked(ILogger logger, string userId, string gatewayKeyId);
}
