using System.Security.Claims;
using System.Security.Cryptography;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// Checks a gateway key on the request path. The form (prefix, length, checksum) is checked
/// without I/O, so a mistyped or truncated key never reaches Keycloak. A well-formed key is looked
/// up in the user's cached record (the lookup key resolution makes right after) and its secret's
/// SHA-256 compared in constant time; a key that matched once is remembered by its text
/// (<see cref="VerifiedGatewayKeys"/>), so later calls cost a dictionary lookup and the record
/// check: about what a remembered JWT costs. An unknown user is cached as such too, so retrying
/// a made-up key reads Keycloak at most once per cache period.
/// </summary>
public sealed partial class GatewayKeyAuthenticator(
    KeyStore store,
    VerifiedGatewayKeys verified,
    GatewayKeyUsage usage,
    TimeProvider time,
    ILogger<GatewayKeyAuthenticator> logger)
{
    public async ValueTask<(ClaimsPrincipal? Principal, ProblemHttpResult? Problem)> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        // A remembered key was decoded and matched before: its entry says where, and with which hash.
        string userId;
        SecretHash secretHash = default;
        if (verified.TryGet(token, out var remembered))
        {
            userId = remembered.UserId;
        }
        else if (!GatewayKeyFormat.TryParse(token, out userId, out secretHash))
        {
            LogRefused(logger, "malformed", null);
            return (null, ApiProblems.Unauthorized(
                "The gateway key is malformed: it is mistyped or incomplete. Copy the whole key again (it starts with 'bgk_' and has 89 characters), or create a new one."));
        }

        ByokRecord? record;
        try
        {
            if (!store.TryGetCached(userId, out record))
            {
                record = await store.GetAsync(userId, cancellationToken);
            }
        }
        catch (KeycloakUnavailableException)
        {
            // Nothing cached for this user and Keycloak down: the key cannot be checked.
            return (null, ApiProblems.KeycloakUnavailable());
        }

        // Unknown user, revoked key or wrong secret all read the same, so the answer tells
        // nothing about which users exist.
        var key = record is null ? null : remembered is not null ? FindRemembered(record, remembered) : Find(record, secretHash);
        if (key is null)
        {
            if (remembered is not null)
            {
                verified.Remove(token);
            }

            LogRefused(logger, "unknown", userId);
            return (null, ApiProblems.Unauthorized(
                "The gateway key is not valid: it was revoked, or it is not a key of this gateway. Create a new one on the 'API keys' page of your Keycloak account."));
        }

        var now = time.GetUtcNow();
        if (now >= key.Expires)
        {
            verified.Remove(token);
            LogRefused(logger, "expired", userId);
            return (null, ApiProblems.Unauthorized(
                $"The gateway key '{key.Name}' expired on {ByokAttributes.FormatDate(key.Expires)}. Create a new one on the 'API keys' page of your Keycloak account."));
        }

        if (!record!.Enabled)
        {
            LogRefused(logger, "disabled", userId);
            return (null, ApiProblems.Forbidden("Your Keycloak account is disabled, so its gateway keys do not work. Ask an administrator."));
        }

        usage.Record(userId, key, now);
        remembered ??= verified.Add(token, userId, key.Id, key.SecretHash);
        return (new ClaimsPrincipal(remembered.Identity), null);
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

    private static StoredGatewayKey? FindRemembered(ByokRecord record, VerifiedGatewayKey remembered)
    {
        var keys = record.GatewayKeys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (string.Equals(keys[i].Id, remembered.KeyId, StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(keys[i].SecretHash, remembered.SecretHash))
            {
                return keys[i];
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Refused a gateway key ({Reason}) naming user {UserId}")]
    private static partial void LogRefused(ILogger logger, string reason, string? userId);
}
