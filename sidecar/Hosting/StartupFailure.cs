using ByokGateway.Crypto;
using Microsoft.Extensions.Options;

namespace ByokGateway.Hosting;

/// <summary>Recognises start-up failures caused by configuration and phrases them for the operator.</summary>
public static class StartupFailure
{
    /// <summary>
    /// The operator-facing message, one problem per line, or null when the exception is a bug
    /// (which then keeps its stack trace). The host's own "failed to start" log is silenced in
    /// appsettings.json for that reason: configuration errors are reported here, once.
    /// </summary>
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException options => string.Join(Environment.NewLine + "  - ", options.Failures),
        SidecarConfigurationException or EncryptionKeyException => exception.Message,
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Describe(e) is not null) =>
            string.Join(Environment.NewLine + "  - ", aggregate.InnerExceptions.Select(Describe)),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Describe(inner),
        _ => null,
    };
}
