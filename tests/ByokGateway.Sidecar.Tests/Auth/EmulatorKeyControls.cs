using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Auth;

/// <summary>The emulator's key-rotation control and JWKS counter (emulator only; callers skip against a real Keycloak).</summary>
internal static class EmulatorKeyControls
{
    /// <summary>Makes a new active signing key (a new <c>kid</c>); with <paramref name="removeOld"/> the old key leaves the JWKS.</summary>
    public static async Task<JsonObject> RotateKeysAsync(this KeycloakServer keycloak, bool removeOld)
    {
        using var response = await keycloak.Http.PostAsJsonAsync($"_emulator/realms/{KeycloakServer.Realm}/keys/rotate", new { removeOld });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>JWKS reads since the emulator started or its counters were reset.</summary>
    public static async Task<int> JwksReadsAsync(this KeycloakServer keycloak) =>
        (await keycloak.CountersAsync())["jwksReads"]!.GetValue<int>();

    public static async Task ResetCountersAsync(this KeycloakServer keycloak)
    {
        using var response = await keycloak.Http.PostAsync("_emulator/counters/reset", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
