namespace ByokGateway.Observability;

/// <summary>
/// Audit events for changes to users' keys and gateway keys, under their own logger category
/// (<c>ByokGateway.Audit</c>) so operators can route them separately. They name the user and the
/// provider, never the key or its ciphertext.
/// </summary>
public sealed partial class AuditLog(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("ByokGateway.Audit");

    public void KeyAdded(string userId, string provider) => LogKeyAdded(_logger, userId, provider);

    public void KeyRemoved(string userId, string provider) => LogKeyRemoved(_logger, userId, provider);

    public void KeyTested(string userId, string provider, string status) => LogKeyTested(_logger, userId, provider, status);

    public void KeysRotated(string userId, int keys) => LogKeysRotated(_logger, userId, keys);

    public void GatewayKeyCreated(string userId, string keyId, string expires) => LogGatewayKeyCreated(_logger, userId, keyId, expires);

    public void GatewayKeyRevoked(string userId, string keyId) => LogGatewayKeyRevoked(_logger, userId, keyId);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Audit: user {UserId} added a key for {Provider}")]
    private static partial void LogKeyAdded(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Audit: user {UserId} removed the key for {Provider}")]
    private static partial void LogKeyRemoved(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Audit: user {UserId} tested the key for {Provider}: {TestStatus}")]
    private static partial void LogKeyTested(ILogger logger, string userId, string provider, string testStatus);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Audit: re-encrypted {KeyCount} keys of user {UserId} with the current encryption key")]
    private static partial void LogKeysRotated(ILogger logger, string userId, int keyCount);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Audit: user {UserId} created gateway key {GatewayKeyId}, expiring {Expires}")]
    private static partial void LogGatewayKeyCreated(ILogger logger, string userId, string gatewayKeyId, string expires);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Audit: user {UserId} revoked gateway key {GatewayKeyId}")]
    private static partial void LogGatewayKeyRevoked(ILogger logger, string userId, string gatewayKeyId);
}
