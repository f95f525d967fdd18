using System.Text;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Tokens;

/// <summary>Keycloak's ClientIdAndSecretAuthenticator: client_id/client_secret from the form or HTTP Basic.</summary>
internal static class ClientAuthentication
{
    private const string InvalidClient = "Invalid client or Invalid client credentials";

    /// <summary>The client_id the request names, before any check (for counters).</summary>
    public static string? ClientIdOf(HttpRequest request, IFormCollection form) =>
        form.TryGetValue("client_id", out var id) && !string.IsNullOrEmpty(id) ? id.ToString() : ParseBasic(request)?.Id;

    public static ClientDefinition Authenticate(HttpRequest request, IFormCollection form, RealmState realm)
    {
        var basic = ParseBasic(request);
        var clientId = basic?.Id;
        var secret = basic?.Secret;
        if (form.TryGetValue("client_id", out var formId) && !string.IsNullOrEmpty(formId))
        {
            clientId = formId.ToString();
        }

        if (form.TryGetValue("client_secret", out var formSecret))
        {
            secret = formSecret.ToString();
        }

        if (clientId is null)
        {
            throw new OAuthErrorException(StatusCodes.Status400BadRequest, "invalid_client", "Missing client_id parameter");
        }

        if (!realm.Clients.TryGetValue(clientId, out var client) || !client.Enabled)
        {
            throw new OAuthErrorException(StatusCodes.Status401Unauthorized, "invalid_client", InvalidClient);
        }

        if (client.PublicClient)
        {
            return client;
        }

        if (secret is null)
        {
            throw new OAuthErrorException(StatusCodes.Status401Unauthorized, "unauthorized_client", "Client secret not provided in request");
        }

        if (client.Secret is null || !FixedTimeEquals(client.Secret, secret))
        {
            throw new OAuthErrorException(StatusCodes.Status401Unauthorized, "unauthorized_client", InvalidClient);
        }

        return client;
    }

    private static (string Id, string Secret)? ParseBasic(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            // BasicAuthHelper form-URL-decodes both parts (RFC 6749 section 2.3.1).
            return colon < 0 ? null : (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
