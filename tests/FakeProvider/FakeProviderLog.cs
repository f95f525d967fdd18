namespace FakeProvider;

// Only method, path and status ever reach the log: bodies and keys are what tests put secrets in.
internal static partial class FakeProviderLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} answered {Status}")]
    public static partial void RequestFinished(this ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Method} {Path} aborted by the client (status {Status})")]
    public static partial void RequestAborted(this ILogger logger, string method, string path, int status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "No provider keys configured: every provider request gets 401 until keys are set with FakeProvider:Keys, FAKE_PROVIDER_KEYS or PUT /_fake/keys")]
    public static partial void NoKeysConfigured(this ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Accepted keys replaced at runtime: {Count} key(s)")]
    public static partial void KeysReplaced(this ILogger logger, int count);
}
