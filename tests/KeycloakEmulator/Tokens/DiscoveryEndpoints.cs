using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Testing;
using Microsoft.Extensions.Options;

namespace KeycloakEmulator.Tokens;

/// <summary>OpenID discovery document and the realm's JWKS.</summary>
internal static class DiscoveryEndpoints
{
    private static readonly string[] OpenIdScope = ["openid"];

    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/realms/{realm}", RealmInfo);
        app.MapGet("/realms/{realm}/.well-known/openid-configuration", Discovery);
        app.MapGet("/realms/{realm}/protocol/openid-connect/certs", Certs);
        return app;
    }

    private static IResult RealmInfo(string realm, HttpContext context, RealmStore realms, SigningKeys keys, IOptions<EmulatorOptions> options)
    {
        if (realms.Find(realm) is null)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        var frontend = FrontendUrl.Base(context, options.Value);
        var key = keys.For(realm);
        return KeycloakErrors.Json(new JsonObject
        {
            ["realm"] = realm,
            ["public_key"] = Convert.ToBase64String(key.Active.Rsa.ExportSubjectPublicKeyInfo()),
            ["token-service"] = $"{frontend}/realms/{realm}/protocol/openid-connect",
            ["account-service"] = $"{frontend}/realms/{realm}/account",
            ["tokens-not-before"] = 0,
        });
    }

    private static IResult Discovery(string realm, HttpContext context, RealmStore realms, IOptions<EmulatorOptions> options, RequestCounters counters)
    {
        if (realms.Find(realm) is not { } state)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        counters.DiscoveryRead();
        var issuer = FrontendUrl.Issuer(context, options.Value, realm);
        var oidc = issuer + "/protocol/openid-connect";
        static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode)v).ToArray());
        var scopes = OpenIdScope.Concat(state.ClientScopes.Values.Where(s => s.Protocol == "openid-connect").Select(s => s.Name).Order(StringComparer.Ordinal)).ToArray();
        return KeycloakErrors.Json(new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = oidc + "/auth",
            ["token_endpoint"] = oidc + "/token",
            ["introspection_endpoint"] = oidc + "/token/introspect",
            ["userinfo_endpoint"] = oidc + "/userinfo",
            ["end_session_endpoint"] = oidc + "/logout",
            ["frontchannel_logout_session_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["jwks_uri"] = oidc + "/certs",
            ["check_session_iframe"] = oidc + "/login-status-iframe.html",
            ["grant_types_supported"] = Strings("authorization_code", "client_credentials", "implicit", "password", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:openid:params:grant-type:ciba"),
            ["acr_values_supported"] = Strings("0", "1"),
            ["response_types_supported"] = Strings("code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"),
            ["subject_types_supported"] = Strings("public", "pairwise"),
            ["prompt_values_supported"] = Strings("none", "login", "consent"),
            ["id_token_signing_alg_values_supported"] = Strings("RS256"),
            ["userinfo_signing_alg_values_supported"] = Strings("RS256", "none"),
            ["request_object_signing_alg_values_supported"] = Strings("RS256", "none"),
            ["response_modes_supported"] = Strings("query", "fragment", "form_post", "query.jwt", "fragment.jwt", "form_post.jwt", "jwt"),
            ["registration_endpoint"] = $"{issuer}/clients-registrations/openid-connect",
            ["token_endpoint_auth_methods_supported"] = Strings("private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"),
            ["token_endpoint_auth_signing_alg_values_supported"] = Strings("RS256"),
            ["introspection_endpoint_auth_methods_supported"] = Strings("private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"),
            ["claims_supported"] = Strings("aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr"),
            ["claim_types_supported"] = Strings("normal"),
            ["claims_parameter_supported"] = true,
            ["scopes_supported"] = Strings(scopes),
            ["request_parameter_supported"] = true,
            ["request_uri_parameter_supported"] = true,
            ["require_request_uri_registration"] = true,
            ["code_challenge_methods_supported"] = Strings("plain", "S256"),
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["revocation_endpoint"] = oidc + "/revoke",
            ["revocation_endpoint_auth_methods_supported"] = Strings("private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"),
            ["backchannel_logout_supported"] = true,
            ["backchannel_logout_session_supported"] = true,
            ["device_authorization_endpoint"] = oidc + "/auth/device",
            ["authorization_response_iss_parameter_supported"] = true,
        });
    }

    private static IResult Certs(string realm, RealmStore realms, SigningKeys keys, RequestCounters counters)
    {
        if (realms.Find(realm) is null)
        {
            return KeycloakErrors.NotFound("Realm does not exist");
        }

        counters.JwksRead();
        // Keycloak publishes the enabled keys: the active one and passive ones (rotated out, still verifying).
        var published = keys.For(realm).Published.Select(key =>
        {
            var parameters = key.Rsa.ExportParameters(false);
            return (JsonNode)new JsonObject
            {
                ["kid"] = key.Kid,
                ["kty"] = "RSA",
                ["alg"] = "RS256",
                ["use"] = "sig",
                ["x5c"] = new JsonArray(Certificate(realm, key)),
                ["n"] = RealmKeys.Base64Url(parameters.Modulus!),
                ["e"] = RealmKeys.Base64Url(parameters.Exponent!),
            };
        });
        return KeycloakErrors.Json(new JsonObject { ["keys"] = new JsonArray(published.ToArray()) });
    }

    private static string Certificate(string realm, RsaSigningKey key)
    {
        var request = new CertificateRequest($"CN={realm}", key.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        return Convert.ToBase64String(certificate.RawData);
    }
}
