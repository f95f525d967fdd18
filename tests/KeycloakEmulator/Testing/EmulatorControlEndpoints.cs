using System.Text.Json;
using System.Text.Json.Nodes;
using KeycloakEmulator.Admin;
using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Tokens;
using Microsoft.Extensions.Options;

namespace KeycloakEmulator.Testing;

/// <summary>
/// Test-only controls, all under <c>/_emulator/</c> and never mixed into Keycloak's paths: request counters,
/// fault injection, minting tokens with chosen defects, approving device logins without a browser, and rotating a realm's keys.
/// </summary>
internal static class EmulatorControlEndpoints
{
    public const string Prefix = "/_emulator";

    public static IEndpointRouteBuilder MapEmulatorControlEndpoints(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(Prefix);
        control.MapGet("/counters", (RequestCounters counters) => KeycloakErrors.Json(counters.Snapshot()));
        control.MapPost("/counters/reset", (RequestCounters counters) =>
        {
            counters.Reset();
            return Results.NoContent();
        });
        control.MapGet("/faults", (FaultState faults) => KeycloakErrors.Json(Faults(faults)));
        control.MapPut("/faults", PutFaultsAsync);
        control.MapPost("/realms/{realm}/tokens", MintTokenAsync);
        control.MapPost("/realms/{realm}/device/approve", ApproveDeviceAsync);
        control.MapPost("/realms/{realm}/keys/rotate", RotateKeysAsync);
        return app;
    }

    /// <summary>Delays or refuses Admin API calls while a fault is set; token and JWKS endpoints are untouched.</summary>
    public static IApplicationBuilder UseAdminFaults(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/admin", StringComparison.Ordinal))
        {
            var faults = context.RequestServices.GetRequiredService<FaultState>();
            if (faults.AdminDelayMs > 0)
            {
                await Task.Delay(faults.AdminDelayMs, context.RequestAborted);
            }

            if (faults.AdminUnavailable)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":"emulator fault: Admin API unavailable"}""", context.RequestAborted);
                return;
            }
        }

        await next(context);
    });

    private static JsonObject Faults(FaultState faults) => new()
    {
        ["adminApi"] = faults.AdminUnavailable ? "unavailable" : "none",
        ["adminApiDelayMs"] = faults.AdminDelayMs,
    };

    private static async Task<IResult> PutFaultsAsync(HttpContext context, FaultState faults)
    {
        var body = await ReadAsync(context);
        if (body is null)
        {
            return Problem("Body must be a JSON object like {\"adminApi\":\"none\"|\"unavailable\",\"adminApiDelayMs\":0}.");
        }

        if (body["adminApi"]?.ToString() is { } mode)
        {
            if (mode is not ("none" or "unavailable"))
            {
                return Problem("adminApi must be \"none\" or \"unavailable\".");
            }

            faults.AdminUnavailable = mode == "unavailable";
        }

        if (body["adminApiDelayMs"] is { } delay)
        {
            faults.AdminDelayMs = Math.Max(0, delay.GetValue<int>());
        }

        return KeycloakErrors.Json(Faults(faults));
    }

    private static async Task<IResult> MintTokenAsync(string realm, HttpContext context, RealmStore realms, TokenFactory tokens, IOptions<EmulatorOptions> options, TimeProvider time)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var body = await ReadAsync(context);
        if (body?["username"]?.ToString() is not { } username)
        {
            return Problem("Body must name a \"username\".");
        }

        var clientId = body["clientId"]?.ToString() ?? "byok-cli";
        var frontend = FrontendUrl.Base(context, options.Value);
        JsonObject claims;
        lock (state.Gate)
        {
            if (state.FindByUsername(username) is not { } user)
            {
                return Problem($"No user '{username}' in realm '{realm}'.", StatusCodes.Status404NotFound);
            }

            if (!state.Clients.TryGetValue(clientId, out var client))
            {
                return Problem($"No client '{clientId}' in realm '{realm}'.", StatusCodes.Status404NotFound);
            }

            claims = TokenFactory.AccessTokenClaims(TokenEndpoints.UserContext(state, client, user, null, body["scope"]?.ToString(), frontend), time.GetUtcNow());
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (body["lifetimeSeconds"] is { } lifetime)
        {
            var seconds = lifetime.GetValue<int>();
            claims["exp"] = now + seconds;
            // An already-expired token was also issued in the past.
            claims["iat"] = seconds > 0 ? now : now + seconds - state.Settings.AccessTokenLifespan;
        }

        if (body["notBeforeOffsetSeconds"] is { } nbf && nbf.GetValue<int>() != 0)
        {
            claims["nbf"] = now + nbf.GetValue<int>();
        }

        if (body["audience"] is JsonArray audience)
        {
            claims.Remove("aud");
            if (audience.Count == 1)
            {
                claims["aud"] = audience[0]!.ToString();
            }
            else if (audience.Count > 1)
            {
                claims["aud"] = audience.DeepClone();
            }
        }

        if (body["issuer"]?.ToString() is { } issuer)
        {
            claims["iss"] = issuer;
        }

        foreach (var (name, value) in body["extraClaims"] as JsonObject ?? [])
        {
            claims[name] = value?.DeepClone();
        }

        return KeycloakErrors.Json(new JsonObject { ["access_token"] = tokens.SignAccessToken(realm, claims) });
    }

    private static async Task<IResult> ApproveDeviceAsync(string realm, HttpContext context, RealmStore realms, DeviceAuthorizationStore devices)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var body = await ReadAsync(context);
        if (body?["user_code"]?.ToString() is not { } userCode || body["username"]?.ToString() is not { } username)
        {
            return Problem("Body must be {\"user_code\":\"...\",\"username\":\"...\"}.");
        }

        var authorization = devices.FindByUserCode(realm, userCode);
        if (authorization is null)
        {
            return Problem($"No pending device authorization with user code '{userCode}'.", StatusCodes.Status404NotFound);
        }

        lock (state.Gate)
        {
            if (state.FindByUsername(username) is not { } user)
            {
                return Problem($"No user '{username}' in realm '{realm}'.", StatusCodes.Status404NotFound);
            }

            authorization.ApprovedUserId = user.Id;
        }

        return KeycloakErrors.Json(new JsonObject { ["approved"] = true, ["user_code"] = authorization.UserCode, ["username"] = username });
    }

    /// <summary>
    /// What an admin does in Realm settings → Keys → Providers: adds an rsa-generated provider whose key becomes the
    /// active one, and (with <c>removeOld</c>) deletes the old provider so its key leaves the JWKS. Recorded as the
    /// COMPONENT admin events Keycloak stores for it, made by the master realm's admin through admin-cli.
    /// </summary>
    private static async Task<IResult> RotateKeysAsync(string realm, HttpContext context, RealmStore realms, SigningKeys keys, TimeProvider time)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var text = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        JsonObject? body;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Problem("Body must be empty or a JSON object like {\"removeOld\":true}.");
        }

        var removeOld = body["removeOld"]?.GetValue<bool>() ?? false;
        var previous = keys.For(realm).Active;
        var (added, removed) = keys.For(realm).Rotate(removeOld);
        var master = realms.Find(StockRealmContent.MasterRealm)!;
        AdminEventAuthDetails admin;
        lock (master.Gate)
        {
            var adminUser = master.Users.Values.First(u => u.RoleMappings.Contains(RoleRef.Realm(StockRealmContent.MasterAdminRole)));
            admin = new AdminEventAuthDetails(master.Id, master.Clients["admin-cli"].Id, adminUser.Id, "127.0.0.1");
        }

        lock (state.Gate)
        {
            AdminEventRecorder.Record(time, state, admin, "CREATE", "COMPONENT", $"components/{added.ComponentId}", new JsonObject
            {
                ["name"] = "rsa-rotated",
                ["providerId"] = "rsa-generated",
                ["providerType"] = "org.keycloak.keys.KeyProvider",
                ["parentId"] = state.Id,
                ["config"] = new JsonObject { ["priority"] = new JsonArray("200"), ["keySize"] = new JsonArray("2048"), ["active"] = new JsonArray("true"), ["enabled"] = new JsonArray("true") },
            });
            foreach (var key in removed)
            {
                AdminEventRecorder.Record(time, state, admin, "DELETE", "COMPONENT", $"components/{key.ComponentId}");
            }
        }

        return KeycloakErrors.Json(new JsonObject
        {
            ["kid"] = added.Kid,
            ["componentId"] = added.ComponentId,
            ["previousKid"] = previous.Kid,
            ["removedKids"] = new JsonArray(removed.Select(k => (JsonNode)k.Kid).ToArray()),
            ["publishedKids"] = new JsonArray(keys.For(realm).Published.Select(k => (JsonNode)k.Kid).ToArray()),
        });
    }

    private static async Task<JsonObject?> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        Results.Problem(detail: detail, statusCode: status);
}
