using System.Globalization;
using System.Text.Json.Nodes;
using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Tokens;

/// <summary>
/// Builds tokens the way Keycloak's TokenManager does: roles filtered by the client's scope, claims from the
/// protocol mappers of the client and of its default (and requested optional) client scopes.
/// </summary>
internal sealed class TokenFactory(SigningKeys keys, TimeProvider time)
{
    private static readonly string[] OpenIdScope = ["openid"];

    public RealmKeys KeysFor(string realm) => keys.For(realm);

    public string SignAccessToken(string realm, JsonObject claims) => JwtCodec.SignRs256(claims, keys.For(realm));

    public JsonObject TokenResponse(TokenContext context, bool withRefreshToken)
    {
        var now = time.GetUtcNow();
        var access = AccessTokenClaims(context, now);
        var realm = context.Realm;
        var response = new JsonObject
        {
            ["access_token"] = JwtCodec.SignRs256(access, keys.For(realm.Name)),
            ["expires_in"] = realm.Settings.AccessTokenLifespan,
        };

        var session = context.Session;
        if (withRefreshToken && session is not null)
        {
            var idleEnd = now.AddSeconds(realm.Settings.SsoSessionIdleTimeout);
            var maxEnd = session.Started.AddSeconds(realm.Settings.SsoSessionMaxLifespan);
            var refreshExp = idleEnd < maxEnd ? idleEnd : maxEnd;
            response["refresh_expires_in"] = (int)Math.Max(0, (refreshExp - now).TotalSeconds);
            response["refresh_token"] = JwtCodec.SignHs512(RefreshTokenClaims(context, now, refreshExp), keys.For(realm.Name));
        }
        else
        {
            response["refresh_expires_in"] = 0;
        }

        response["token_type"] = "Bearer";
        if (HasOpenIdScope(context.RequestedScope))
        {
            response["id_token"] = JwtCodec.SignRs256(IdTokenClaims(context, now), keys.For(realm.Name));
        }

        response["not-before-policy"] = 0;
        if (session is not null)
        {
            response["session_state"] = session.Id;
        }

        response["scope"] = access["scope"]!.GetValue<string>();
        return response;
    }

    public static JsonObject AccessTokenClaims(TokenContext context, DateTimeOffset now)
    {
        var mapped = new JsonObject();
        var audiences = new List<string>();
        var scopes = EffectiveScopes(context);
        var resolveAudience = false;
        string? subject = null;
        foreach (var mapper in MappersOf(context, scopes).Where(m => m.Get("access.token.claim") is null || m.IsOn("access.token.claim")))
        {
            switch (mapper.MapperType)
            {
                case "oidc-sub-mapper":
                    subject = context.User.Id;
                    break;
                case "oidc-audience-resolve-mapper":
                    resolveAudience = true;
                    break;
                case "oidc-audience-mapper":
                    if (mapper.Get("included.client.audience") is { Length: > 0 } clientAudience && context.Realm.Clients.ContainsKey(clientAudience))
                    {
                        audiences.Add(clientAudience);
                    }

                    if (mapper.Get("included.custom.audience") is { Length: > 0 } customAudience)
                    {
                        audiences.Add(customAudience);
                    }

                    break;
                default:
                    ApplyClaimMapper(mapper, context, scopes, mapped);
                    break;
            }
        }

        if (resolveAudience)
        {
            // AudienceResolveProtocolMapper: every other client the token carries roles of.
            audiences.AddRange(ClientRoles(context, scopes).Keys.Where(c => c != context.Client.ClientId));
        }

        var claims = new JsonObject
        {
            ["exp"] = now.ToUnixTimeSeconds() + context.Realm.Settings.AccessTokenLifespan,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        Move(mapped, claims, "auth_time");
        claims["jti"] = Guid.NewGuid().ToString();
        claims["iss"] = context.Issuer;
        var distinct = audiences.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1)
        {
            claims["aud"] = distinct[0];
        }
        else if (distinct.Count > 1)
        {
            claims["aud"] = new JsonArray(distinct.Select(a => (JsonNode)a).ToArray());
        }

        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        claims["typ"] = "Bearer";
        claims["azp"] = context.Client.ClientId;
        if (context.Session is not null)
        {
            claims["sid"] = context.Session.Id;
        }

        foreach (var name in new[] { "acr", "allowed-origins", "realm_access", "resource_access" })
        {
            Move(mapped, claims, name);
        }

        claims["scope"] = ScopeClaim(context, scopes);
        foreach (var (name, value) in mapped.ToList())
        {
            mapped.Remove(name);
            claims[name] = value;
        }

        return claims;
    }

    public static JsonObject UserInfoClaims(TokenContext context)
    {
        var scopes = EffectiveScopes(context);
        var claims = new JsonObject { ["sub"] = context.User.Id };
        foreach (var mapper in MappersOf(context, scopes).Where(m => m.IsOn("userinfo.token.claim")))
        {
            ApplyClaimMapper(mapper, context, scopes, claims);
        }

        return claims;
    }

    private static JsonObject IdTokenClaims(TokenContext context, DateTimeOffset now)
    {
        var scopes = EffectiveScopes(context);
        var mapped = new JsonObject();
        foreach (var mapper in MappersOf(context, scopes).Where(m => m.IsOn("id.token.claim")))
        {
            ApplyClaimMapper(mapper, context, scopes, mapped);
        }

        var claims = new JsonObject
        {
            ["exp"] = now.ToUnixTimeSeconds() + context.Realm.Settings.AccessTokenLifespan,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        Move(mapped, claims, "auth_time");
        claims["jti"] = Guid.NewGuid().ToString();
        claims["iss"] = context.Issuer;
        claims["aud"] = context.Client.ClientId;
        claims["sub"] = context.User.Id;
        claims["typ"] = "ID";
        claims["azp"] = context.Client.ClientId;
        if (context.Session is not null)
        {
            claims["sid"] = context.Session.Id;
        }

        foreach (var (name, value) in mapped.ToList())
        {
            mapped.Remove(name);
            claims[name] = value;
        }

        return claims;
    }

    private static JsonObject RefreshTokenClaims(TokenContext context, DateTimeOffset now, DateTimeOffset exp) => new()
    {
        ["exp"] = exp.ToUnixTimeSeconds(),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString(),
        ["iss"] = context.Issuer,
        ["aud"] = context.Issuer,
        ["sub"] = context.User.Id,
        ["typ"] = "Refresh",
        ["azp"] = context.Client.ClientId,
        ["sid"] = context.Session!.Id,
        ["scope"] = ScopeClaim(context, EffectiveScopes(context)),
    };

    /// <summary>The client's default scopes plus the optional ones the request asked for (OIDC scopes only).</summary>
    public static List<ClientScopeDefinition> EffectiveScopes(TokenContext context)
    {
        var realm = context.Realm;
        var requested = (context.RequestedScope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return realm.DefaultScopesOf(context.Client)
            .Concat(realm.OptionalScopesOf(context.Client).Where(requested.Contains))
            .Distinct(StringComparer.Ordinal)
            .Select(name => realm.ClientScopes.GetValueOrDefault(name))
            .Where(scope => scope is not null && scope.Protocol == "openid-connect")
            .Select(scope => scope!)
            .ToList();
    }

    private static string ScopeClaim(TokenContext context, List<ClientScopeDefinition> scopes)
    {
        var names = scopes.Where(s => s.IncludeInTokenScope).Select(s => s.Name);
        return string.Join(' ', (HasOpenIdScope(context.RequestedScope) ? OpenIdScope : []).Concat(names));
    }

    private static bool HasOpenIdScope(string? scope) =>
        (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal);

    private static IEnumerable<ProtocolMapperDefinition> MappersOf(TokenContext context, List<ClientScopeDefinition> scopes) =>
        context.Client.Mappers.Concat(scopes.SelectMany(s => s.Mappers));

    /// <summary>TokenManager.getAccess: the user's effective roles, limited to the client's scope unless full scope is allowed.</summary>
    public static HashSet<RoleRef> ScopedRoles(RealmState realm, ClientDefinition client, UserRecord user, IEnumerable<ClientScopeDefinition> scopes)
    {
        var roles = realm.Expand(user.RoleMappings);
        if (client.FullScopeAllowed)
        {
            return roles;
        }

        var allowed = realm.Expand(client.ScopeRoles.Concat(scopes.SelectMany(s => s.ScopeRoles)));
        roles.IntersectWith(allowed);
        return roles;
    }

    private static Dictionary<string, List<string>> ClientRoles(TokenContext context, List<ClientScopeDefinition> scopes) =>
        ScopedRoles(context.Realm, context.Client, context.User, scopes)
            .Where(r => r.ClientId is not null)
            .GroupBy(r => r.ClientId!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Name).Order(StringComparer.Ordinal).ToList());

    private static void ApplyClaimMapper(ProtocolMapperDefinition mapper, TokenContext context, List<ClientScopeDefinition> scopes, JsonObject claims)
    {
        var user = context.User;
        switch (mapper.MapperType)
        {
            case "oidc-usermodel-attribute-mapper":
            case "oidc-usermodel-property-mapper":
                var attribute = mapper.Get("user.attribute");
                if (attribute is null || mapper.Get("claim.name") is not { } claim)
                {
                    return;
                }

                var values = attribute == "emailVerified" ? [user.EmailVerified ? "true" : "false"] : user.GetAttribute(attribute);
                if (values.Count == 0)
                {
                    return;
                }

                var type = mapper.Get("jsonType.label");
                SetNested(claims, claim, mapper.IsOn("multivalued")
                    ? new JsonArray(values.Select(v => (JsonNode?)Typed(v, type)).ToArray())
                    : Typed(values[0], type));
                break;
            case "oidc-full-name-mapper":
                var name = string.Join(' ', new[] { user.FirstName, user.LastName }.Where(n => !string.IsNullOrEmpty(n)));
                if (name.Length > 0)
                {
                    claims["name"] = name;
                }

                break;
            case "oidc-usermodel-realm-role-mapper":
                var realmRoles = ScopedRoles(context.Realm, context.Client, user, scopes).Where(r => r.ClientId is null).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
                if (realmRoles.Count > 0 && mapper.Get("claim.name") is { } realmClaim)
                {
                    SetNested(claims, realmClaim, new JsonArray(realmRoles.Select(r => (JsonNode)r).ToArray()));
                }

                break;
            case "oidc-usermodel-client-role-mapper":
                foreach (var (clientId, roles) in ClientRoles(context, scopes))
                {
                    var clientClaim = (mapper.Get("claim.name") ?? "resource_access.${client_id}.roles").Replace("${client_id}", clientId, StringComparison.Ordinal);
                    SetNested(claims, clientClaim, new JsonArray(roles.Select(r => (JsonNode)r).ToArray()));
                }

                break;
            case "oidc-allowed-origins-mapper":
                var origins = KeycloakCors.WebOriginsOf(context.Client, context.FrontendBase);
                if (origins.Count > 0)
                {
                    claims["allowed-origins"] = new JsonArray(origins.Select(o => (JsonNode)o).ToArray());
                }

                break;
            case "oidc-acr-mapper":
                claims["acr"] = "1";
                break;
            case "oidc-usersessionmodel-note-mapper":
                if (mapper.Get("user.session.note") is { } note && context.SessionNotes.TryGetValue(note, out var noteValue) && mapper.Get("claim.name") is { } noteClaim)
                {
                    SetNested(claims, noteClaim, Typed(noteValue, mapper.Get("jsonType.label")));
                }

                break;
        }
    }

    private static JsonValue? Typed(string value, string? type) => type switch
    {
        "boolean" => bool.TryParse(value, out var b) ? JsonValue.Create(b) : JsonValue.Create(value),
        "long" or "int" => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(value),
        _ => JsonValue.Create(value),
    };

    private static void SetNested(JsonObject claims, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = claims;
        foreach (var part in parts[..^1])
        {
            if (target[part] is not JsonObject next)
            {
                next = [];
                target[part] = next;
            }

            target = next;
        }

        target[parts[^1]] = value;
    }

    private static void Move(JsonObject from, JsonObject to, string name)
    {
        if (from.TryGetPropertyValue(name, out var value))
        {
            from.Remove(name);
            to[name] = value;
        }
    }
}
