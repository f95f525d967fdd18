using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KeycloakEmulator.Tests;

/// <summary>A real emulator on a loopback port, with a real HttpClient and helpers for the common token requests.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public const string SidecarSecret = "test-sidecar-secret";
    public const string AliceId = "8c1f0d52-0a11-4ce0-9a11-000000000001";
    public const string BobId = "8c1f0d52-0b0b-4b0b-9b0b-000000000002";
    public const string CarolId = "8c1f0d52-0ca0-4ca0-9ca0-000000000003";
    public const string DaveId = "8c1f0d52-0dae-4dae-9dae-000000000004";
    public const string ServiceAccountId = "6f1e2d3c-5e4f-4000-8000-0000000000a0";

    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string Issuer => new Uri(BaseAddress, "/realms/byok").ToString();

    public static async Task<EmulatorHost> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var app = EmulatorApp.Create(["--urls", "http://127.0.0.1:0"], options =>
        {
            options.Variables["BYOK_SIDECAR_SECRET"] = SidecarSecret;
            configure?.Invoke(options);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorHost(app, new Uri(address));
    }

    public Task<HttpResponseMessage> TokenRequestAsync(params (string Key, string Value)[] form) =>
        Client.PostAsync("/realms/byok/protocol/openid-connect/token",
            new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))), TestContext.Current.CancellationToken);

    public async Task<JsonObject> PasswordTokenAsync(string username, string clientId = "byok-cli", string? scope = null)
    {
        var form = new List<(string, string)> { ("grant_type", "password"), ("client_id", clientId), ("username", username), ("password", username) };
        if (scope is not null)
        {
            form.Add(("scope", scope));
        }

        using var response = await TokenRequestAsync([.. form]);
        response.EnsureSuccessStatusCode();
        return await ReadObjectAsync(response);
    }

    public async Task<string> ServiceAccountTokenAsync()
    {
        using var response = await TokenRequestAsync(("grant_type", "client_credentials"), ("client_id", "byok-sidecar"), ("client_secret", SidecarSecret));
        response.EnsureSuccessStatusCode();
        return (await ReadObjectAsync(response))["access_token"]!.GetValue<string>();
    }

    /// <summary>A master-realm admin token (admin-cli, bootstrap admin), as a test against a real Keycloak would use.</summary>
    public async Task<string> MasterAdminTokenAsync()
    {
        using var response = await Client.PostAsync("/realms/master/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "admin-cli", ["username"] = "admin", ["password"] = "admin",
        }), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await ReadObjectAsync(response))["access_token"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonObject> GetUserAsync(string id, string token)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/admin/realms/byok/users/{id}", token);
        response.EnsureSuccessStatusCode();
        return await ReadObjectAsync(response);
    }

    public async Task SetUnmanagedPolicyAsync(string? policy)
    {
        var admin = await MasterAdminTokenAsync();
        using var get = await SendAsync(HttpMethod.Get, "/admin/realms/byok/users/profile", admin);
        var config = await ReadObjectAsync(get);
        if (policy is null)
        {
            config.Remove("unmanagedAttributePolicy");
        }
        else
        {
            config["unmanagedAttributePolicy"] = policy;
        }

        using var put = await SendAsync(HttpMethod.Put, "/admin/realms/byok/users/profile", admin, config);
        put.EnsureSuccessStatusCode();
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

    public static JsonObject Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonNode.Parse(Convert.FromBase64String(part))!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
