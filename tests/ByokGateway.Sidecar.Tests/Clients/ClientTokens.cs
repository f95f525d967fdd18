using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Clients;

/// <summary>
/// Access tokens as Keycloak issues them to the chat UIs' own clients (open-webui, librechat) after
/// an authorization-code login. The emulator has no login pages, so its token control mints them:
/// it applies the client's scopes and mappers from the realm export exactly as a code-flow token
/// would get them, which is what these tests check.
/// </summary>
internal static class ClientTokens
{
    public const string OpenWebUi = "open-webui";
    public const string LibreChat = "librechat";

    /// <summary>A token of <paramref name="username"/> issued to <paramref name="clientId"/>; with <paramref name="audience"/> that audience instead of the mapped one.</summary>
    public static async Task<string> MintAsync(KeycloakServer keycloak, string username, string clientId, string[]? audience = null)
    {
        using var response = await keycloak.Http.PostAsJsonAsync($"_emulator/realms/{KeycloakServer.Realm}/tokens", new
        {
            username,
            clientId,
            scope = "openid email profile",
            audience,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>The payload of a JWT (no signature check: the gateway does that).</summary>
    public static JsonObject Claims(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)))!.AsObject();
    }

    /// <summary>The <c>aud</c> claim as a list (Keycloak writes one audience as a string).</summary>
    public static IReadOnlyList<string> Audiences(JsonObject claims) => claims["aud"] switch
    {
        JsonArray many => many.Select(a => a!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };
}
