using System.Security.Claims;
using System.Security.Cryptography;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Checks a gateway key on the request path. The form (prefix, length, checksum) is checked
/// without I/O, so a mistyped or truncated key never reaches Keycloak; a well-formed key costs one
/// lookup of the user's record in the cache (the same lookup key resolution makes right after),
/// one SHA-256 and constant-time comparisons: about what a remembered JWT costs. An unknown user
/// is cached as such too, so retrying a made-up key reads Keycloak at most once per cache period.
/// </summary>
public sealed partial class GatewayKeyAuthenticator(
    KeyStore store,
    GatewayKeyUsage usage,
    TimeProvider time,
    ILogger<GatewayKeyAuthenticator> logger)
{
    public async ValueTask<(ClaimsPrincipal? Principal, ProblemHttpResult? Problem)> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (!GatewayKeyFormat.TryParse(token, out var userId, out var secretHash))
        {
            LogRefused(logger, "malformed", null);
            return (null, ApiProblems.Unauthorized(
                "The gateway key is malformed: it is mistyped or incomplete. Copy the whole key again (it starts with 'bgk_' and has 89 characters), or create a new one."));
        }

        ByokRecord? record;
        try
        {
            record = await store.GetAsync(userId, cancellationToken);
        }
        catch (KeycloakUnavailableException)
        {
            // Nothing cached for this user and Keycloak down: the key cannot be checked.
            return (null, ApiProblems.KeycloakUnavailable());
        }

        // Unknown user, revoked key or wrong secret all read the same, so the answer tells
        // nothing about which users exist.
        if (record is null || Find(record, secretHash) is not { } key)
        {
            LogRefused(logger, "unknown", userId);
            return (null, ApiProblems.Unauthorized(
                "The gateway key is not valid: it was revoked, or it is not a key of this gateway. Create a new one on the 'API keys' page of your Keycloak account."));
        }

        var now = time.GetUtcNow();
        if (now >= key.Expires)
        {
            LogRefused(logger, "expired", userId);
            return (null, ApiProblems.Unauthorized(
                $"The gateway key '{key.Name}' expired on {ByokAttributes.FormatDate(key.Expires)}. Create a new one on the 'API keys' page of your Keycloak account."));
        }

        if (!record.Enabled)
        {
            LogRefused(logger, "disabled", userId);
            return (null, ApiProblems.Forbidden("Your Keycloak account is disabled, so its gateway keys do not work. Ask an administrator."));
        }

        usage.Record(userId, key, now);
        return (GatewayKeyAuthentication.Principal(userId, key.Id), null);
    }

    private static StoredGatewayKey? Find(ByokRecord record, SecretHash secretHash)
    {
        var keys = record.GatewayKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(keys[i].SecretHash, secretHash))
            {
                return keys[i];
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Refused a gateway key ({Reason}) naming user {UserId}")]
    private static partial void LogRefused(ILogger logger, string reason, string? userId);
}
