extern alias emulator;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using emulator::KeycloakEmulator;
using Microsoft.AspNetCore.Builder;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// The Keycloak the tests talk to: the emulator on a loopback port, or a real Keycloak 26 when
/// <c>KEYCLOAK_URL</c> is set (with <c>BYOK_SIDECAR_SECRET</c> of its <c>byok-sidecar</c> client).
/// Everything here uses Keycloak's public API, so it works against both; emulator-only
/// conveniences (counters, fault injection, minted tokens) are marked and skipped otherwise.
/// </summary>
public sealed class KeycloakServer : IAsyncDisposable
{
    public const string Realm = "byok";
    public const string CliClient = "byok-cli";
    public const string SidecarClient = "byok-sidecar";

    private readonly WebApplication? _emulator;
    // The service account's token and when to fetch the next one: a long test run outlives one token
    // (the realm's 300 s lifespan), after which every admin call would answer 401.
    private (string Token, DateTimeOffset RenewAt)? _adminToken;

    private KeycloakServer(Uri url, string secret, WebApplication? emulator)
    {
        Url = url;
        Secret = secret;
        _emulator = emulator;
        Http = new HttpClient { BaseAddress = url };
    }

    public Uri Url { get; }

    /// <summary>Secret of the byok-sidecar client.</summary>
    public string Secret { get; }

    public HttpClient Http { get; }

    public bool IsEmulator => _emulator is not null;

    public static string? RealKeycloakUrl => Environment.GetEnvironmentVariable("KEYCLOAK_URL") is { Length: > 0 } url ? url : null;

    public static async Task<KeycloakServer> StartAsync()
    {
        if (RealKeycloakUrl is { } real)
        {
            var secret = Environment.GetEnvironmentVariable("BYOK_SIDECAR_SECRET")
                ?? throw new InvalidOperationException("KEYCLOAK_URL is set: set BYOK_SIDECAR_SECRET to the secret of its byok-sidecar client too.");
            return new KeycloakServer(new Uri(real.TrimEnd('/') + "/"), secret, null);
        }

        var generated = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var app = EmulatorApp.Create(["--urls", "http://127.0.0.1:0"], options => options.Variables["BYOK_SIDECAR_SECRET"] = generated);
        await app.StartAsync();
        return new KeycloakServer(ServerAddress.Of(app), generated, app);
    }

    /// <summary>
    /// A real Keycloak already running at <paramref name="url"/> (e.g. one the tests started with
    /// Testcontainers, which also owns its lifetime); <paramref name="secret"/> is its byok-sidecar secret.
    /// </summary>
    public static KeycloakServer Connect(Uri url, string secret) => new(new Uri(url.ToString().TrimEnd('/') + "/"), secret, null);

    /// <summary>An access token of a realm user (password grant of byok-cli).</summary>
    public async Task<string> PasswordTokenAsync(string username, string password)
    {
        using var response = await Http.PostAsync($"realms/{Realm}/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = CliClient,
            ["username"] = username,
            ["password"] = password,
            ["scope"] = "openid",
        }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["access_token"]!.GetValue<string>();
    }

    /// <summary>Creates a user with a tier; returns its id. Names are unique per call so tests never share users.</summary>
    public async Task<TestUser> CreateUserAsync(string? tier, string prefix = "user")
    {
        var username = $"{prefix}-{Guid.NewGuid():N}"[..30];
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var attributes = new JsonObject();
        if (tier is not null)
        {
            attributes["subscription_tier"] = new JsonArray(tier);
        }

        using var create = await AdminSendAsync(HttpMethod.Post, $"admin/realms/{Realm}/users", new JsonObject
        {
            ["username"] = username,
            ["enabled"] = true,
            ["email"] = username + "@example.test",
            ["emailVerified"] = true,
            ["firstName"] = "Test",
            ["lastName"] = prefix,
            ["attributes"] = attributes,
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = create.Headers.Location!.Segments[^1];

        using var reset = await AdminSendAsync(HttpMethod.Put, $"admin/realms/{Realm}/users/{id}/reset-password",
            new JsonObject { ["type"] = "password", ["value"] = password, ["temporary"] = false });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        return new TestUser(this, id, username, password);
    }

    /// <summary>The user as the Admin API returns it.</summary>
    public async Task<JsonObject> GetUserAsync(string id)
    {
        using var response = await AdminSendAsync(HttpMethod.Get, $"admin/realms/{Realm}/users/{id}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Replaces the user (read-modify-write by the caller), as an administrator would.</summary>
    public async Task PutUserAsync(string id, JsonObject user)
    {
        using var response = await AdminSendAsync(HttpMethod.Put, $"admin/realms/{Realm}/users/{id}", user);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Sets (or with null removes) attributes of a user, keeping the rest.</summary>
    public async Task SetAttributesAsync(string id, IDictionary<string, string?> values)
    {
        var user = await GetUserAsync(id);
        var attributes = user["attributes"] as JsonObject ?? [];
        user["attributes"] = attributes;
        foreach (var (name, value) in values)
        {
            if (value is null)
            {
                attributes.Remove(name);
            }
            else
            {
                attributes[name] = new JsonArray(value);
            }
        }

        await PutUserAsync(id, user);
    }

    public async Task<HttpResponseMessage> AdminSendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        if (_adminToken is not { } current || current.RenewAt <= DateTimeOffset.UtcNow)
        {
            _adminToken = current = await ClientCredentialsTokenAsync();
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", current.Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>
    /// Realm configuration needs a realm administrator (the sidecar's service account may only
    /// manage users): the master realm's admin via admin-cli, as an operator would use it.
    /// </summary>
    public async Task<HttpResponseMessage> RealmAdminSendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var tokenResponse = await Http.PostAsync("realms/master/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "admin-cli",
            ["username"] = Environment.GetEnvironmentVariable("KC_BOOTSTRAP_ADMIN_USERNAME") ?? "admin",
            ["password"] = Environment.GetEnvironmentVariable("KC_BOOTSTRAP_ADMIN_PASSWORD") ?? "admin",
        }));
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Http.SendAsync(request);
    }

    private async Task<(string Token, DateTimeOffset RenewAt)> ClientCredentialsTokenAsync()
    {
        using var response = await Http.PostAsync($"realms/{Realm}/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SidecarClient,
            ["client_secret"] = Secret,
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        // Renewed at half its lifetime, so a slow call never carries an expired token.
        var lifetime = TimeSpan.FromSeconds(token["expires_in"]?.GetValue<int>() ?? 60);
        return (token["access_token"]!.GetValue<string>(), DateTimeOffset.UtcNow + lifetime / 2);
    }

    // ---- Emulator-only test extras (/_emulator/...). Callers skip when IsEmulator is false. ----

    public async Task<JsonObject> CountersAsync()
    {
        RequireEmulator();
        return (await Http.GetFromJsonAsync<JsonObject>("_emulator/counters"))!;
    }

    public async Task<int> UserReadsAsync(string userId) =>
        (await CountersAsync())["userReads"]?[userId]?.GetValue<int>() ?? 0;

    public async Task SetAdminApiFaultAsync(string mode)
    {
        RequireEmulator();
        using var response = await Http.PutAsJsonAsync("_emulator/faults", new { adminApi = mode });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Delays every Admin API answer by <paramref name="milliseconds"/> (0 = none).</summary>
    public async Task SetAdminApiDelayAsync(int milliseconds)
    {
        RequireEmulator();
        using var response = await Http.PutAsJsonAsync("_emulator/faults", new { adminApiDelayMs = milliseconds });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A token signed with the realm's key but with chosen lifetime, audience or issuer.</summary>
    public async Task<string> MintTokenAsync(string username, int lifetimeSeconds = 300, string[]? audience = null, string? issuer = null)
    {
        RequireEmulator();
        using var response = await Http.PostAsJsonAsync($"_emulator/realms/{Realm}/tokens", new
        {
            username,
            clientId = CliClient,
            lifetimeSeconds,
            audience,
            issuer,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>Stops the emulator: from now on Keycloak is unreachable (connection refused).</summary>
    public async Task StopAsync()
    {
        RequireEmulator();
        await _emulator!.StopAsync();
    }

    private void RequireEmulator()
    {
        if (!IsEmulator)
        {
            throw new InvalidOperationException("This needs the Keycloak emulator's test extras; skip the test against a real Keycloak.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

/// <summary>A realm user created for one test.</summary>
public sealed record TestUser(KeycloakServer Keycloak, string Id, string Username, string Password)
{
    public Task<string> TokenAsync() => Keycloak.PasswordTokenAsync(Username, Password);
}
