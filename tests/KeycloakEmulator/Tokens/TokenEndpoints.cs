using System.Globalization;
using System.Text.Json.Nodes;
using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Testing;
using Microsoft.Extensions.Options;

namespace KeycloakEmulator.Tokens;

/// <summary>The realm's OIDC endpoints: token (password, client_credentials, refresh_token, device_code), device authorization, userinfo.</summary>
internal static class TokenEndpoints
{
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var oidc = app.MapGroup("/realms/{realm}/protocol/openid-connect");
        oidc.MapPost("/token", TokenAsync);
        oidc.MapMethods("/token", ["OPTIONS"], (HttpContext context) => Preflight(context, "POST, OPTIONS"));
        oidc.MapPost("/auth/device", DeviceAuthorizationAsync);
        oidc.MapMethods("/auth/device", ["OPTIONS"], (HttpContext context) => Preflight(context, "POST, OPTIONS"));
        oidc.MapMethods("/userinfo", ["GET", "POST"], UserInfoAsync);
        oidc.MapMethods("/userinfo", ["OPTIONS"], (HttpContext context) => Preflight(context, "GET, POST, OPTIONS"));
        return app;
    }

    private static IResult Preflight(HttpContext context, string methods)
    {
        KeycloakCors.Preflight(context, methods);
        return Results.Ok();
    }

    private static async Task<IResult> TokenAsync(string realm, HttpContext context, RealmStore realms, TokenFactory tokens, SessionStore sessions,
        DeviceAuthorizationStore devices, BruteForceProtector bruteForce, RequestCounters counters, IOptions<EmulatorOptions> options, TimeProvider time)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        if (ClientAuthentication.ClientIdOf(context.Request, form) is { } requestedClient)
        {
            counters.TokenRequest(requestedClient);
        }

        var frontend = FrontendUrl.Base(context, options.Value);
        try
        {
            var grantType = form["grant_type"].ToString();
            if (string.IsNullOrEmpty(grantType))
            {
                throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_request", "Missing form parameter: grant_type");
            }

            if (grantType is not ("password" or "client_credentials" or "refresh_token" or DeviceCodeGrant))
            {
                throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Unsupported grant_type");
            }

            ClientDefinition client;
            lock (state.Gate)
            {
                client = ClientAuthentication.Authenticate(context.Request, form, state);
            }

            KeycloakCors.Allow(context, KeycloakCors.WebOriginsOf(client, frontend), "Access-Control-Allow-Methods");
            if (client.BearerOnly)
            {
                throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_client", "Bearer-only not allowed");
            }

            var now = time.GetUtcNow();
            var scope = form["scope"].ToString();
            JsonObject response;
            lock (state.Gate)
            {
                response = grantType switch
                {
                    "password" => Password(state, client, form, scope, frontend, tokens, sessions, bruteForce, now),
                    "client_credentials" => ClientCredentials(state, client, scope, frontend, context, tokens),
                    "refresh_token" => Refresh(state, client, form, frontend, tokens, sessions, now),
                    _ => DeviceCode(state, client, form, frontend, tokens, sessions, devices, now),
                };
            }

            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            return KeycloakErrors.Json(response);
        }
        catch (OAuthErrorException e)
        {
            return KeycloakErrors.OAuth(e.Status, e.Error, e.Description);
        }
    }

    private static JsonObject Password(RealmState realm, ClientDefinition client, IFormCollection form, string scope, string frontend,
        TokenFactory tokens, SessionStore sessions, BruteForceProtector bruteForce, DateTimeOffset now)
    {
        if (!client.DirectAccessGrantsEnabled)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unauthorized_client", "Client not allowed for direct access grants");
        }

        var username = form["username"].ToString();
        if (string.IsNullOrEmpty(username))
        {
            throw new OAuthErrorException(StatusCodes.Status401Unauthorized, "invalid_request", "Missing parameter: username");
        }

        var user = realm.FindByUsername(username) ?? (username.Contains('@', StringComparison.Ordinal) ? realm.FindByEmail(username) : null);
        if (user is null || user.IsServiceAccount)
        {
            throw InvalidCredentials();
        }

        if (!user.Enabled)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Account disabled");
        }

        // Keycloak answers a locked account like a wrong password, so that lockouts cannot be probed.
        if (bruteForce.IsLocked(realm, user))
        {
            throw InvalidCredentials();
        }

        if (user.Password is null || user.Password != form["password"].ToString())
        {
            bruteForce.Failure(realm, user);
            throw InvalidCredentials();
        }

        bruteForce.Clear(realm, user);
        if (user.RequiredActions.Count > 0)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Account is not fully set up");
        }

        var session = sessions.Start(realm.Name, user.Id, client.ClientId, scope, now);
        return tokens.TokenResponse(UserContext(realm, client, user, session, scope, frontend), withRefreshToken: true);
    }

    private static JsonObject ClientCredentials(RealmState realm, ClientDefinition client, string scope, string frontend, HttpContext context, TokenFactory tokens)
    {
        if (client.PublicClient)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unauthorized_client", "Public client not allowed to retrieve service account");
        }

        if (!client.ServiceAccountsEnabled)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unauthorized_client", "Client not enabled to retrieve service account");
        }

        var user = realm.FindServiceAccount(client.ClientId)
            ?? throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_request", "Service account user not found");
        if (!user.Enabled)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_request", "User is disabled");
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        var notes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client_id"] = client.ClientId,
            ["clientHost"] = address,
            ["clientAddress"] = address,
        };

        // Keycloak 26 issues client-credentials tokens from a transient session: no sid, no refresh token.
        return tokens.TokenResponse(new TokenContext(realm, client, user, null, scope, frontend, notes), withRefreshToken: false);
    }

    private static JsonObject Refresh(RealmState realm, ClientDefinition client, IFormCollection form, string frontend, TokenFactory tokens, SessionStore sessions, DateTimeOffset now)
    {
        var token = form["refresh_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_request", "Missing parameter: refresh_token");
        }

        var claims = JwtCodec.Verify(token, tokens.KeysFor(realm.Name));
        if (claims is null || claims["typ"]?.GetValue<string>() is not ("Refresh" or "Offline") || claims["iss"]?.GetValue<string>() != $"{frontend}/realms/{realm.Name}")
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Invalid refresh token");
        }

        if (claims["exp"]!.GetValue<long>() < now.ToUnixTimeSeconds())
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Token is not active");
        }

        if (claims["azp"]?.GetValue<string>() != client.ClientId)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Unmatching clients");
        }

        var session = sessions.Find(claims["sid"]?.GetValue<string>() ?? "");
        if (session is null
            || now - session.LastRefresh > TimeSpan.FromSeconds(realm.Settings.SsoSessionIdleTimeout)
            || now - session.Started > TimeSpan.FromSeconds(realm.Settings.SsoSessionMaxLifespan))
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Session not active");
        }

        if (!realm.Users.TryGetValue(session.UserId, out var user) || !user.Enabled)
        {
            sessions.Remove(session.Id);
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Session not active");
        }

        session.LastRefresh = now;
        return tokens.TokenResponse(UserContext(realm, client, user, session, session.Scope, frontend), withRefreshToken: true);
    }

    private static JsonObject DeviceCode(RealmState realm, ClientDefinition client, IFormCollection form, string frontend, TokenFactory tokens,
        SessionStore sessions, DeviceAuthorizationStore devices, DateTimeOffset now)
    {
        if (!client.DeviceGrantEnabled)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unauthorized_client", "Client not allowed OAuth 2.0 Device Authorization Grant");
        }

        var code = form["device_code"].ToString();
        if (string.IsNullOrEmpty(code))
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_request", "Missing parameter: device_code");
        }

        var authorization = devices.FindByDeviceCode(code);
        if (authorization is null || authorization.Realm != realm.Name || authorization.ClientId != client.ClientId)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_grant", "Device code not valid");
        }

        if (authorization.ExpiresAt <= now)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "expired_token", "Device code is expired");
        }

        if (!DeviceAuthorizationStore.IsPollingAllowed(authorization, now))
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "slow_down", "Slow down");
        }

        if (authorization.Denied)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "access_denied", "The end user denied the authorization request");
        }

        if (authorization.ApprovedUserId is null)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "authorization_pending", "The authorization request is still pending");
        }

        devices.Remove(code);
        var user = realm.Users[authorization.ApprovedUserId];
        var scope = authorization.Scope ?? "";
        var session = sessions.Start(realm.Name, user.Id, client.ClientId, scope, now);
        return tokens.TokenResponse(UserContext(realm, client, user, session, scope, frontend), withRefreshToken: true);
    }

    private static async Task<IResult> DeviceAuthorizationAsync(string realm, HttpContext context, RealmStore realms, DeviceAuthorizationStore devices,
        IOptions<EmulatorOptions> options, TimeProvider time)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var frontend = FrontendUrl.Base(context, options.Value);
        try
        {
            ClientDefinition client;
            lock (state.Gate)
            {
                client = ClientAuthentication.Authenticate(context.Request, form, state);
            }

            KeycloakCors.Allow(context, KeycloakCors.WebOriginsOf(client, frontend));
            if (!client.DeviceGrantEnabled)
            {
                throw new OAuthErrorException(StatusCodes.Status400BadRequest, "unauthorized_client",
                    "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.");
            }

            var scope = form["scope"].ToString();
            var authorization = devices.Create(state.Name, client.ClientId, string.IsNullOrEmpty(scope) ? null : scope, time.GetUtcNow(),
                state.Settings.DeviceCodeLifespan, state.Settings.DevicePollingInterval);
            var verification = $"{frontend}/realms/{state.Name}/device";
            return KeycloakErrors.Json(new JsonObject
            {
                ["device_code"] = authorization.DeviceCode,
                ["user_code"] = authorization.UserCode,
                ["verification_uri"] = verification,
                ["verification_uri_complete"] = $"{verification}?user_code={authorization.UserCode}",
                ["expires_in"] = state.Settings.DeviceCodeLifespan,
                ["interval"] = state.Settings.DevicePollingInterval,
            });
        }
        catch (OAuthErrorException e)
        {
            return KeycloakErrors.OAuth(e.Status, e.Error, e.Description);
        }
    }

    private static async Task<IResult> UserInfoAsync(string realm, HttpContext context, RealmStore realms, TokenFactory tokens, IOptions<EmulatorOptions> options, TimeProvider time)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var header = context.Request.Headers.Authorization.ToString();
        string? token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (token is null && context.Request.HasFormContentType)
        {
            token = (await context.Request.ReadFormAsync(context.RequestAborted))["access_token"].ToString();
        }

        IResult Challenge(int status, string error, string description)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{state.Name}\", error=\"{error}\", error_description=\"{description}\"";
            return KeycloakErrors.OAuth(status, error, description);
        }

        if (string.IsNullOrEmpty(token))
        {
            return Challenge(StatusCodes.Status401Unauthorized, "invalid_request", "Token not provided");
        }

        var frontend = FrontendUrl.Base(context, options.Value);
        var claims = JwtCodec.Verify(token, tokens.KeysFor(state.Name));
        if (claims is null || claims["typ"]?.GetValue<string>() != "Bearer" || claims["iss"]?.GetValue<string>() != $"{frontend}/realms/{state.Name}"
            || claims["exp"]?.GetValue<long>() < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return Challenge(StatusCodes.Status401Unauthorized, "invalid_token", "Token verification failed");
        }

        if (!(claims["scope"]?.GetValue<string>() ?? "").Split(' ').Contains("openid", StringComparer.Ordinal))
        {
            return Challenge(StatusCodes.Status403Forbidden, "insufficient_scope", "Missing openid scope");
        }

        lock (state.Gate)
        {
            if (!state.Users.TryGetValue(claims["sub"]?.GetValue<string>() ?? "", out var user) || !state.Clients.TryGetValue(claims["azp"]?.GetValue<string>() ?? "", out var client))
            {
                return Challenge(StatusCodes.Status401Unauthorized, "invalid_request", "User not found");
            }

            if (!user.Enabled)
            {
                return Challenge(StatusCodes.Status401Unauthorized, "invalid_request", "User disabled");
            }

            KeycloakCors.Allow(context, (claims["allowed-origins"] as JsonArray)?.Select(o => o!.GetValue<string>()).ToList() ?? []);
            var scope = claims["scope"]?.GetValue<string>();
            var info = TokenFactory.UserInfoClaims(UserContext(state, client, user, null, scope, frontend));
            return KeycloakErrors.Json(info);
        }
    }

    public static TokenContext UserContext(RealmState realm, ClientDefinition client, UserRecord user, UserSession? session, string? scope, string frontend)
    {
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (session is not null)
        {
            notes["AUTH_TIME"] = session.Started.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return new TokenContext(realm, client, user, session, scope, frontend, notes);
    }

    private static OAuthErrorException InvalidCredentials() =>
        new(StatusCodes.Status401Unauthorized, "invalid_grant", "Invalid user credentials");
}
