using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tokens;

/// <summary>Compact JWS: RS256 for access and ID tokens, HS512 for refresh tokens (as Keycloak signs them).</summary>
internal static class JwtCodec
{
    public static string SignRs256(JsonObject payload, RealmKeys keys)
    {
        var key = keys.Active;
        return Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key.Kid }, payload,
            data => key.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static string SignHs512(JsonObject payload, RealmKeys keys) =>
        Sign(new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = keys.HmacKid }, payload,
            data => HMACSHA512.HashData(keys.HmacKey, data));

    /// <summary>
    /// The payload when the signature is valid for <paramref name="keys"/> (RS256 with the published key the header's
    /// <c>kid</c> names, or HS512 by header); otherwise null. A token of a removed key no longer verifies.
    /// </summary>
    public static JsonObject? Verify(string token, RealmKeys keys)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var header = JsonNode.Parse(RealmKeys.FromBase64Url(parts[0]))?.AsObject();
            var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            var signature = RealmKeys.FromBase64Url(parts[2]);
            var valid = header?["alg"]?.GetValue<string>() switch
            {
                "RS256" => keys.Find(header?["kid"]?.GetValue<string>()) is { } key
                    && key.Rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                "HS512" => CryptographicOperations.FixedTimeEquals(HMACSHA512.HashData(keys.HmacKey, data), signature),
                _ => false,
            };
            return valid ? JsonNode.Parse(RealmKeys.FromBase64Url(parts[1]))?.AsObject() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or CryptographicException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The payload without checking anything; used only to find which realm issued a token.</summary>
    public static JsonObject? ReadUnverified(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(RealmKeys.FromBase64Url(parts[1])) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Sign(JsonObject header, JsonObject payload, Func<byte[], byte[]> sign)
    {
        var head = RealmKeys.Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var body = RealmKeys.Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = RealmKeys.Base64Url(sign(Encoding.ASCII.GetBytes(head + "." + body)));
        return $"{head}.{body}.{signature}";
    }
}
