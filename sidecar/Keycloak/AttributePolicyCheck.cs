namespace ByokGateway.Keycloak;

/// <summary>
/// Checks once at start-up that the realm keeps <c>byok_*</c> attributes. Under Keycloak's default
/// <c>DISABLED</c> unmanaged-attribute policy every key a user stores would silently vanish; writes
/// are refused then anyway (each one is confirmed by a re-read), but the operator should learn it
/// from the first log lines, not from the first user. Runs in the background and retries while
/// Keycloak is still starting, so it never delays or blocks the gateway's own start.
/// </summary>
public sealed partial class AttributePolicyCheck(KeycloakAdminClient keycloak, TimeProvider time, ILogger<AttributePolicyCheck> logger) : BackgroundService
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CheckAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host stops, also when it failed to start (then it never calls StopAsync, and a
            // cancellation escaping here would be logged as a crash of the check).
        }
    }

    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var profile = await keycloak.GetUserProfileConfigAsync(stoppingToken);
                var policy = profile["unmanagedAttributePolicy"]?.GetValue<string>() ?? "DISABLED";
                if (policy is "ADMIN_EDIT" or "ENABLED")
                {
                    LogPolicyOk(logger, policy);
                }
                else
                {
                    LogPolicyDropsAttributes(logger, policy, AttributesNotStoredException.Advice);
                }

                return;
            }
            catch (KeycloakRequestException e)
            {
                // E.g. no right to read the profile: writes still confirm themselves, so only warn.
                LogPolicyUnknown(logger, e.Message);
                return;
            }
            catch (KeycloakUnavailableException) when (attempt < Delays.Length)
            {
                await Task.Delay(Delays[attempt], time, stoppingToken);
            }
            catch (KeycloakUnavailableException e)
            {
                LogPolicyUnknown(logger, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Critical, Message = "The realm's unmanaged-attribute policy is {Policy}: Keycloak will drop stored keys and the gateway will refuse every key. {Advice}")]
    private static partial void LogPolicyDropsAttributes(ILogger logger, string policy, string advice);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "The realm's unmanaged-attribute policy is {Policy}: byok_* attributes are stored")]
    private static partial void LogPolicyOk(ILogger logger, string policy);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Could not check the realm's unmanaged-attribute policy ({Reason}); every key write is still confirmed by a re-read")]
    private static partial void LogPolicyUnknown(ILogger logger, string reason);
}
