using System.Net;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tests.Admin;

/// <summary>Admin events as Keycloak 26 records and serves them: what is stored, who may read them, and the query parameters.</summary>
public sealed class AdminEventsEndpointsTests
{
    private const string Events = "/admin/realms/byok/admin-events";

    [Fact]
    public async Task List_AfterUserUpdate_HasUpdateEventNamingTheUserWithoutRepresentation()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        var bob = await host.GetUserAsync(EmulatorHost.BobId, token);
        bob["attributes"]!["subscription_tier"] = new JsonArray("free");
        using var put = await host.SendAsync(HttpMethod.Put, $"/admin/realms/byok/users/{EmulatorHost.BobId}", token, bob);

        using var response = await host.SendAsync(HttpMethod.Get, Events, token);
        var events = (await EmulatorHost.ReadAsync(response)).AsArray();

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = Assert.Single(events)!.AsObject();
        Assert.Equal("UPDATE", update["operationType"]!.GetValue<string>());
        Assert.Equal("USER", update["resourceType"]!.GetValue<string>());
        Assert.Equal($"users/{EmulatorHost.BobId}", update["resourcePath"]!.GetValue<string>());
        Assert.Equal("byok", update["realmId"]!.GetValue<string>());
        Assert.Equal(EmulatorHost.ServiceAccountId, update["authDetails"]!["userId"]!.GetValue<string>());
        Assert.Equal("byok", update["authDetails"]!["realmId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(update["id"]!.GetValue<string>()));
        Assert.True(update["time"]!.GetValue<long>() > 0);
        // adminEventsDetailsEnabled is false in the export: no representation, so no ciphertexts in the store.
        Assert.Null(update["representation"]);
    }

    [Fact]
    public async Task List_CallerWithoutViewEvents_Returns403()
    {
        await using var host = await EmulatorHost.StartAsync();
        var bob = (await host.PasswordTokenAsync("bob"))["access_token"]!.GetValue<string>();

        using var response = await host.SendAsync(HttpMethod.Get, Events, bob);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("HTTP 403 Forbidden", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_UserLifecycle_RecordsCreateActionAndDeleteWithKeycloaksPaths()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        var id = await CreateUserAsync(host, token, "lifecycle");
        using var reset = await host.SendAsync(HttpMethod.Put, $"/admin/realms/byok/users/{id}/reset-password", token, new JsonObject { ["type"] = "password", ["value"] = "pw-123456", ["temporary"] = false });
        using var delete = await host.SendAsync(HttpMethod.Delete, $"/admin/realms/byok/users/{id}", token);

        var events = await ListAsync(host, token, "?direction=asc");

        Assert.Equal(["CREATE", "ACTION", "DELETE"], events.Select(e => e["operationType"]!.GetValue<string>()));
        Assert.Equal([$"users/{id}", $"users/{id}/reset-password", $"users/{id}"], events.Select(e => e["resourcePath"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal("USER", e["resourceType"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_QueryParameters_FilterPageAndOrderLikeKeycloak()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1;
        var first = await CreateUserAsync(host, token, "q1");
        var second = await CreateUserAsync(host, token, "q2");
        using var delete = await host.SendAsync(HttpMethod.Delete, $"/admin/realms/byok/users/{first}", token);
        using var rotate = await host.Client.PostAsync("/_emulator/realms/byok/keys/rotate", null, TestContext.Current.CancellationToken);

        var newestFirst = await ListAsync(host, token, "");
        var ascending = await ListAsync(host, token, "?direction=asc");
        var users = await ListAsync(host, token, "?resourceTypes=USER&direction=asc");
        var components = await ListAsync(host, token, "?resourceTypes=COMPONENT&resourceTypes=REALM");
        var creates = await ListAsync(host, token, "?operationTypes=CREATE&resourceTypes=USER&direction=asc");
        var secondPage = await ListAsync(host, token, "?direction=asc&first=1&max=2");
        var wildcard = await ListAsync(host, token, $"?resourcePath=users/{second[..8]}*");
        var fromMillis = await ListAsync(host, token, $"?dateFrom={before}&direction=asc");
        var future = await ListAsync(host, token, $"?dateFrom={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}");
        var today = await ListAsync(host, token, $"?dateFrom={DateTime.UtcNow:yyyy-MM-dd}&dateTo={DateTime.UtcNow:yyyy-MM-dd}");

        Assert.Equal(4, newestFirst.Count);
        Assert.Equal("COMPONENT", newestFirst[0]["resourceType"]!.GetValue<string>());
        Assert.Equal(ascending.Select(e => e["id"]!.GetValue<string>()).Reverse(), newestFirst.Select(e => e["id"]!.GetValue<string>()));
        Assert.Equal(3, users.Count);
        Assert.StartsWith("components/", Assert.Single(components)["resourcePath"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([$"users/{first}", $"users/{second}"], creates.Select(e => e["resourcePath"]!.GetValue<string>()));
        Assert.Equal(ascending.Skip(1).Take(2).Select(e => e["id"]!.GetValue<string>()), secondPage.Select(e => e["id"]!.GetValue<string>()));
        Assert.Equal($"users/{second}", Assert.Single(wildcard)["resourcePath"]!.GetValue<string>());
        Assert.Equal(4, fromMillis.Count);
        Assert.Empty(future);
        Assert.Equal(4, today.Count);
    }

    [Theory]
    [InlineData("?dateFrom=yesterday", "Invalid value for 'dateFrom', expected format is yyyy-MM-dd or an Epoch timestamp")]
    [InlineData("?dateTo=2024-13-40", "Invalid value for 'dateTo', expected format is yyyy-MM-dd or an Epoch timestamp")]
    [InlineData("?direction=up", "Invalid value for sortDirection, expected value is asc or desc")]
    public async Task List_InvalidParameter_Returns400(string query, string error)
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();

        using var response = await host.SendAsync(HttpMethod.Get, Events + query, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventsConfig_Get_ReflectsTheRealmExport()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();

        using var response = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/events/config", token);
        var config = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(config["adminEventsEnabled"]!.GetValue<bool>());
        Assert.False(config["adminEventsDetailsEnabled"]!.GetValue<bool>());
        Assert.True(config["eventsEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task EventsConfig_AdminEventsSwitchedOff_LaterChangesAreNotStored()
    {
        await using var host = await EmulatorHost.StartAsync();
        var admin = await host.MasterAdminTokenAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var forbidden = await host.SendAsync(HttpMethod.Put, "/admin/realms/byok/events/config", token, new JsonObject { ["adminEventsEnabled"] = false });
        using var off = await host.SendAsync(HttpMethod.Put, "/admin/realms/byok/events/config", admin, new JsonObject { ["adminEventsEnabled"] = false });
        await CreateUserAsync(host, token, "unrecorded");

        var events = await ListAsync(host, token, "");
        using var config = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/events/config", token);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        // The change that switched them off is still recorded (the store was open), nothing after it.
        var only = Assert.Single(events);
        Assert.Equal("events/config", only["resourcePath"]!.GetValue<string>());
        Assert.Equal("REALM", only["resourceType"]!.GetValue<string>());
        Assert.False((await EmulatorHost.ReadObjectAsync(config))["adminEventsEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Record_DetailsEnabled_KeepsRepresentationWithoutThePassword()
    {
        await using var host = await EmulatorHost.StartAsync();
        var admin = await host.MasterAdminTokenAsync();
        using var on = await host.SendAsync(HttpMethod.Put, "/admin/realms/byok/events/config", admin, new JsonObject { ["adminEventsDetailsEnabled"] = true });
        var token = await host.ServiceAccountTokenAsync();
        using var create = await host.SendAsync(HttpMethod.Post, "/admin/realms/byok/users", token, new JsonObject
        {
            ["username"] = "detailed",
            ["enabled"] = true,
            ["credentials"] = new JsonArray(new JsonObject { ["type"] = "password", ["value"] = "secret-password-1", ["temporary"] = false }),
        });

        var created = (await ListAsync(host, token, "?operationTypes=CREATE")).Single();
        var representation = created["representation"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Contains("\"username\":\"detailed\"", representation, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password-1", representation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_UserProfileChange_IsUserProfileUpdateOnlyWhenItChanges()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SetUnmanagedPolicyAsync("ADMIN_EDIT");
        await host.SetUnmanagedPolicyAsync("ENABLED");
        var token = await host.ServiceAccountTokenAsync();

        var events = await ListAsync(host, token, "");

        var update = Assert.Single(events);
        Assert.Equal("USER_PROFILE", update["resourceType"]!.GetValue<string>());
        Assert.Equal("users/profile", update["resourcePath"]!.GetValue<string>());
    }

    private static async Task<string> CreateUserAsync(EmulatorHost host, string token, string prefix)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/admin/realms/byok/users", token, new JsonObject
        {
            ["username"] = $"{prefix}-{Guid.NewGuid():N}"[..20],
            ["enabled"] = true,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.Segments[^1];
    }

    private static async Task<List<JsonObject>> ListAsync(EmulatorHost host, string token, string query)
    {
        using var response = await host.SendAsync(HttpMethod.Get, Events + query, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await EmulatorHost.ReadAsync(response)).AsArray().Select(e => e!.AsObject())];
    }
}
