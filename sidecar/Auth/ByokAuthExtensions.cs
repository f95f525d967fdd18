using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Auth;

public static class ByokAuthExtensions
{
    public const string UserPolicy = "realm-user";

    /// <summary>
    /// Only asymmetric algorithms: <c>none</c> and HMAC (whose "secret" an attacker could take from
    /// the public JWKS) are refused whatever the token header says.
    /// </summary>
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Realm access tokens via discovery + JWKS: issuer, audience, lifetime and signature.</summary>
    public static TBuilder AddByokAuth<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TokenValidationCache>();
        builder.Services.AddSingleton<JwksConfigurationManager>();
        builder.Services.AddHttpClient(JwksConfigurationManager.HttpClientName, (services, client) =>
            client.Timeout = services.GetRequiredService<IOptions<KeycloakOptions>>().Value.RequestTimeout);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<KeycloakOptions>, TokenValidationCache, JwksConfigurationManager>((jwt, keycloak, cache, keys) => Configure(jwt, keycloak.Value, cache, keys));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => IsRealmUser(context.User, out _) && !GatewayKeyAuthentication.IsGatewayKeyPrincipal(context.User)));
        return builder;
    }

    /// <summary>
    /// The realm-user check of the management API and the proxy: an authenticated caller whose
    /// token names the user in a non-empty <c>sub</c> (Keycloak leaves it out when a client lacks
    /// the <c>basic</c> scope; an empty one would address no user). A gateway key passes it too;
    /// the management API's <see cref="UserPolicy"/> additionally refuses gateway keys.
    /// </summary>
    public static bool IsRealmUser(ClaimsPrincipal user, [NotNullWhen(true)] out string? userId)
    {
        userId = user.Identity?.IsAuthenticated == true ? user.FindFirstValue("sub") : null;
        return !string.IsNullOrEmpty(userId);
    }

    /// <summary>The user id: the token's immutable <c>sub</c>, never the e-mail address.</summary>
    public static string UserId(ClaimsPrincipal user) =>
        IsRealmUser(user, out var userId) ? userId : throw new InvalidOperationException("A principal that is not a realm user reached a handler.");

    private static void Configure(JwtBearerOptions jwt, KeycloakOptions keycloak, TokenValidationCache cache, JwksConfigurationManager keys)
    {
        // Our own manager reads discovery + JWKS (single-flight, rate-limited, see JwksConfigurationManager);
        // unknown kids are handled before validation, so the handler's own refresh-on-key-not-found is off.
        jwt.ConfigurationManager = keys;
        jwt.RefreshOnIssuerKeyNotFound = false;
        jwt.MapInboundClaims = false;
        jwt.SaveToken = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = keycloak.EffectiveIssuer,
            ValidAudience = keycloak.EffectiveAudience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidAlgorithms = AllowedAlgorithms,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "preferred_username",
        };

        // Validating the same RS256 signature on every request of a client cost more CPU than the
        // rest of the proxied call: a token that passed every check is remembered until its exp,
        // and the next request with the same token is authenticated before validation starts.
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context => AuthenticateRememberedTokenAsync(context, cache, keys),
            OnTokenValidated = context => RejectNonAccessTokensAndRemember(context, cache),
            OnChallenge = WriteChallengeAsync,
            OnForbidden = context => ApiProblems.Forbidden(
                GatewayKeyAuthentication.ForbiddenDetail(context.HttpContext.User) ?? "Your token does not grant access to this resource.").ExecuteAsync(context.HttpContext),
        };
    }

    /// <summary>
    /// Keycloak marks access tokens <c>typ: Bearer</c>; an ID token that happens to carry our
    /// audience is not a credential for the API or the proxy.
    /// </summary>
    private static Task RejectNonAccessTokensAndRemember(TokenValidatedContext context, TokenValidationCache cache)
    {
        var typ = context.Principal?.FindFirstValue("typ");
        if (typ is not null && !string.Equals(typ, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            context.Fail("Only access tokens are accepted.");
            return Task.CompletedTask;
        }

        // The identity is shared by every later request with this token; nothing changes claims.
        if (context.SecurityToken is JsonWebToken token && context.Principal?.Identity is ClaimsIdentity identity)
        {
            cache.Add(token.EncodedToken, identity, token.ValidTo);
        }

        return Task.CompletedTask;
    }

    private static async Task AuthenticateRememberedTokenAsync(MessageReceivedContext context, TokenValidationCache cache, JwksConfigurationManager keys)
    {
        await CallerCredentials.ReadToken(context);
        if (GatewayKeyAuthentication.IsGatewayKey(context.Token))
        {
            await GatewayKeyAuthentication.AuthenticateAsync(context);
            return;
        }

        if (context.Token is not { } token)
        {
            return;
        }

        if (cache.TryGet(token, out var identity))
        {
            context.Principal = new ClaimsPrincipal(identity);
            context.Success();
            return;
        }

        // A kid the gateway has not seen: after a key rotation the first token of the new key waits for the
        // re-read instead of failing. Forged kids wait too, but share one rate-limited read.
        if (TokenHeader.Kid(token) is { } kid && !keys.Knows(kid))
        {
            var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
            try
            {
                await keys.RefreshAsync().WaitAsync(keys.MaxRefreshWait, time, context.HttpContext.RequestAborted);
            }
            catch (TimeoutException)
            {
                // Keycloak is slow: validation goes on with the keys read before (and fails for this kid).
            }
        }
    }

    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        // The default challenge has an empty body; clients get problem details like every other error.
        context.HandleResponse();
        if (context.AuthenticateFailure is GatewayKeyRejectedException rejected)
        {
            await GatewayKeyAuthentication.WriteRejectionAsync(context.HttpContext, rejected);
            return;
        }

        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        var detail = context.AuthenticateFailure is null
            ? "Send your Keycloak access token as 'Authorization: Bearer <token>'."
            : "The access token is not valid for this gateway (expired, wrong realm or audience, or not signed by the realm). Get a new token from Keycloak.";
        await ApiProblems.Unauthorized(detail).ExecuteAsync(context.HttpContext);
    }
}
