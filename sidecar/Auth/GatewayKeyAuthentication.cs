using System.Security.Claims;
using ByokGateway.GatewayKeys;
using ByokGateway.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ByokGateway.Auth;

/// <summary>
/// Gateway keys (DESIGN.md §10) inside the JWT bearer scheme: a credential with the gateway-key
/// prefix, read from the same headers as a token (<see cref="CallerCredentials"/>), is checked by
/// <see cref="GatewayKeyAuthenticator"/> instead of being validated as a JWT. The principal it
/// yields names the user in <c>sub</c> like a token's, so the proxy accepts it unchanged, and is
/// marked with its own authentication type, so the management API can refuse it: a leaked gateway
/// key must not mint more keys or touch stored provider keys.
/// </summary>
public static class GatewayKeyAuthentication
{
    public const string AuthenticationType = "byok-gateway-key";

    /// <summary>Claim with the id of the gateway key that authenticated the call.</summary>
    public const string KeyIdClaim = "byok_gateway_key";

    public const string ManagementRefusedDetail =
        "Gateway keys work only for LLM calls through the gateway. Managing keys needs a Keycloak access token: sign in with Keycloak (the 'API keys' page of your account does this for you).";

    /// <summary>True when the caller's credential claims to be a gateway key rather than a JWT.</summary>
    public static bool IsGatewayKey(string? credential) => GatewayKeyFormat.HasPrefix(credential);

    /// <summary>True when the caller authenticated with a gateway key (not with a Keycloak token).</summary>
    public static bool IsGatewayKeyPrincipal(ClaimsPrincipal user) =>
        string.Equals(user.Identity?.AuthenticationType, AuthenticationType, StringComparison.Ordinal);

    /// <summary>The identity of calls made with gateway key <paramref name="keyId"/> of the user.</summary>
    public static ClaimsIdentity Identity(string userId, string keyId) =>
        new([new Claim("sub", userId), new Claim(KeyIdClaim, keyId)], AuthenticationType, "sub", null);

    /// <summary>The message-received step for a gateway key: success with its principal, or a failure the challenge turns into problem details.</summary>
    public static async Task AuthenticateAsync(MessageReceivedContext context)
    {
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<GatewayKeyAuthenticator>();
        var (principal, problem) = await authenticator.AuthenticateAsync(context.Token!, context.HttpContext.RequestAborted);
        if (principal is not null)
        {
            context.Principal = principal;
            context.Success();
        }
        else
        {
            context.Fail(new GatewayKeyRejectedException(problem!));
        }
    }

    /// <summary>Writes the answer to a refused gateway key (the bearer challenge has been taken over).</summary>
    public static Task WriteRejectionAsync(HttpContext context, GatewayKeyRejectedException rejected)
    {
        if (rejected.Problem.StatusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        return rejected.Problem.ExecuteAsync(context);
    }

    /// <summary>The 403 of a gateway key on a route that needs a Keycloak token; null for other callers.</summary>
    public static string? ForbiddenDetail(ClaimsPrincipal user) => IsGatewayKeyPrincipal(user) ? ManagementRefusedDetail : null;
}
