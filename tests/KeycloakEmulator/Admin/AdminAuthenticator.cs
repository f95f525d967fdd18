using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Tokens;
using Microsoft.Extensions.Options;

namespace KeycloakEmulator.Admin;

/// <summary>
/// AdminRoot.authenticateRealmAdminRequest: a bearer access token of any realm the emulator serves, checked for
/// signature, issuer, type and lifetime; its user and client must exist and be enabled.
/// </summary>
internal sealed class AdminAuthenticator(RealmStore realms, SigningKeys keys, TimeProvider time, IOptions<EmulatorOptions> options)
{
    public AdminIdentity? Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[7..].Trim();
        var issuer = JwtCodec.ReadUnverified(token)?["iss"]?.ToString();
        if (issuer is null || realms.Find(issuer[(issuer.LastIndexOf('/') + 1)..]) is not { } realm)
        {
            return null;
        }

        var claims = JwtCodec.Verify(token, keys.For(realm.Name));
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (claims is null
            || claims["typ"]?.ToString() != "Bearer"
            || claims["iss"]?.ToString() != FrontendUrl.Issuer(context, options.Value, realm.Name)
            || claims["exp"] is null || claims["exp"]!.GetValue<long>() <= now
            || (claims["nbf"] is { } nbf && nbf.GetValue<long>() > now))
        {
            return null;
        }

        lock (realm.Gate)
        {
            if (!realm.Users.TryGetValue(claims["sub"]?.ToString() ?? "", out var user) || !user.Enabled
                || !realm.Clients.TryGetValue(claims["azp"]?.ToString() ?? "", out var client) || !client.Enabled
                || (claims["iat"]?.GetValue<long>() ?? 0) < user.NotBefore)
            {
                return null;
            }

            // AdminAuth.hasAppRole: the user holds the role and the client's scope lets it through.
            var scopes = realm.DefaultScopesOf(client).Select(n => realm.ClientScopes.GetValueOrDefault(n)).OfType<ClientScopeDefinition>();
            return new AdminIdentity(realm, client, user, TokenFactory.ScopedRoles(realm, client, user, scopes));
        }
    }
}
