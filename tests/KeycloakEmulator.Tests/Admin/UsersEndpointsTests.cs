using System.Net;
using System.Text.Json.Nodes;

namespace KeycloakEmulator.Tests.Admin;

public sealed class UsersEndpointsTests
{
    private static string UserPath(string id) => $"/admin/realms/byok/users/{id}";

    private static JsonObject BobBody(JsonObject? attributes, string? firstName = "Bob") => new()
    {
        ["username"] = "bob",
        ["email"] = "bob@example.com",
        ["firstName"] = firstName,
        ["lastName"] = "Starter",
        ["enabled"] = true,
        ["attributes"] = attributes,
    };

    [Fact]
    public async Task GetUser_ServiceAccountToken_ReturnsKeycloakRepresentation()
    {
        await using var host = await EmulatorHost.StartAsync();
        var user = await host.GetUserAsync(EmulatorHost.BobId, await host.ServiceAccountTokenAsync());

        Assert.Equal(EmulatorHost.BobId, user["id"]!.GetValue<string>());
        Assert.Equal("bob", user["username"]!.GetValue<string>());
        Assert.Equal("Bob", user["firstName"]!.GetValue<string>());
        Assert.True(user["emailVerified"]!.GetValue<bool>());
        Assert.True(user["enabled"]!.GetValue<bool>());
        Assert.Equal(["starter"], user["attributes"]!["subscription_tier"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray());
        Assert.True(user["access"]!["manage"]!.GetValue<bool>());
        foreach (var field in new[] { "createdTimestamp", "totp", "disableableCredentialTypes", "requiredActions", "notBefore" })
        {
            Assert.NotNull(user[field]);
        }
    }

    [Fact]
    public async Task GetUser_UserToken_Returns403()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = (await host.PasswordTokenAsync("bob"))["access_token"]!.GetValue<string>();
        using var response = await host.SendAsync(HttpMethod.Get, UserPath(EmulatorHost.BobId), token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("HTTP 403 Forbidden", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_NoToken_Returns401()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.SendAsync(HttpMethod.Get, UserPath(EmulatorHost.BobId), null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("HTTP 401 Unauthorized", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_ExpiredMintedToken_Returns401()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var mint = await host.SendAsync(HttpMethod.Post, "/_emulator/realms/byok/tokens", null,
            new JsonObject { ["username"] = "service-account-byok-sidecar", ["clientId"] = "byok-sidecar", ["lifetimeSeconds"] = -60 });
        var token = (await EmulatorHost.ReadObjectAsync(mint))["access_token"]!.GetValue<string>();
        using var response = await host.SendAsync(HttpMethod.Get, UserPath(EmulatorHost.BobId), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetUser_UnknownId_Returns404UserNotFound()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.SendAsync(HttpMethod.Get, UserPath("00000000-0000-0000-0000-000000000000"), await host.ServiceAccountTokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("User not found", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_AttributeMissingFromBody_IsDeleted()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var first = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray("gAAAAAold"), ["byok_openai_label"] = new JsonArray("mine") }));
        using var second = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray("gAAAAAnew") }));
        var attributes = (await host.GetUserAsync(EmulatorHost.BobId, token))["attributes"]!.AsObject();

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal("gAAAAAnew", attributes["byok_openai_key"]![0]!.GetValue<string>());
        Assert.False(attributes.ContainsKey("byok_openai_label"));
    }

    [Fact]
    public async Task PutUser_FirstNameMissing_ClearsIt()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter") }, firstName: null));
        var user = await host.GetUserAsync(EmulatorHost.BobId, token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(user["firstName"]);
        Assert.Equal("Starter", user["lastName"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_WithoutAttributesMember_KeepsStoredAttributesAndNames()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token, new JsonObject { ["emailVerified"] = false });
        var user = await host.GetUserAsync(EmulatorHost.BobId, token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(user["emailVerified"]!.GetValue<bool>());
        Assert.Equal("Bob", user["firstName"]!.GetValue<string>());
        Assert.Equal("starter", user["attributes"]!["subscription_tier"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_UsernameChanged_Returns400ReadOnly()
    {
        await using var host = await EmulatorHost.StartAsync();
        var body = BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter") });
        body["username"] = "robert";
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), await host.ServiceAccountTokenAsync(), body);
        var error = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("username", error["field"]!.GetValue<string>());
        Assert.Equal("error-user-attribute-read-only", error["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_InvalidSubscriptionTier_Returns400InvalidValue()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token, BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("platinum") }));
        var error = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("subscription_tier", error["field"]!.GetValue<string>());
        Assert.Equal("error-invalid-value", error["errorMessage"]!.GetValue<string>());
        Assert.Equal("starter", (await host.GetUserAsync(EmulatorHost.BobId, token))["attributes"]!["subscription_tier"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_ValueOver2048Characters_Returns400InvalidLength()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var tooLong = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray(new string('k', 2049)) }));
        using var atLimit = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray(new string('k', 2048)) }));
        var error = await EmulatorHost.ReadObjectAsync(tooLong);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("byok_openai_key", error["field"]!.GetValue<string>());
        Assert.Equal("error-invalid-length", error["errorMessage"]!.GetValue<string>());
        Assert.Equal("[\"byok_openai_key\",0,2048]", error["params"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
    }

    [Fact]
    public async Task PutUser_PolicyDisabled_DropsUnmanagedAttributeSilently()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SetUnmanagedPolicyAsync(null);
        var token = await host.ServiceAccountTokenAsync();
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray("gAAAAAx") }));
        var user = await host.GetUserAsync(EmulatorHost.BobId, token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(user["attributes"]!.AsObject().ContainsKey("byok_openai_key"));
    }

    [Fact]
    public async Task PutUser_PolicyAdminView_IgnoresWritesButShowsStoredValues()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var stored = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray("gAAAAAv1") }));
        await host.SetUnmanagedPolicyAsync("ADMIN_VIEW");
        using var ignored = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_openai_key"] = new JsonArray("gAAAAAv2") }));
        var user = await host.GetUserAsync(EmulatorHost.BobId, token);

        Assert.Equal(HttpStatusCode.NoContent, ignored.StatusCode);
        Assert.Equal("gAAAAAv1", user["attributes"]!["byok_openai_key"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_PolicyEnabled_ReadsAndWritesUnmanaged()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SetUnmanagedPolicyAsync("ENABLED");
        var token = await host.ServiceAccountTokenAsync();
        using var response = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.BobId), token,
            BobBody(new JsonObject { ["subscription_tier"] = new JsonArray("starter"), ["byok_groq_key"] = new JsonArray("gAAAAAg") }));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("gAAAAAg", (await host.GetUserAsync(EmulatorHost.BobId, token))["attributes"]!["byok_groq_key"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task UserProfile_SidecarToken_CanReadButNotReplace()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var get = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users/profile", token);
        var config = await EmulatorHost.ReadObjectAsync(get);
        using var put = await host.SendAsync(HttpMethod.Put, "/admin/realms/byok/users/profile", token, config);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("ADMIN_EDIT", config["unmanagedAttributePolicy"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    [Fact]
    public async Task ListUsers_FirstAndMax_PagesInUsernameOrder()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var page = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users?first=1&max=2&briefRepresentation=true", token);
        using var all = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users", token);
        using var count = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users/count", token);
        var names = (await EmulatorHost.ReadAsync(page)).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray();
        var allUsers = (await EmulatorHost.ReadAsync(all)).AsArray();

        Assert.Equal(["bob", "carol"], names);
        Assert.Equal(4, allUsers.Count);
        Assert.NotNull(allUsers[0]!["attributes"]);
        Assert.Equal("4", await count.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ListUsers_AttributeQuery_FindsMatchingUsers()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var byTier = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users?q=subscription_tier:enterprise", token);
        using var byUsername = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users?username=aro&exact=false", token);
        using var search = await host.SendAsync(HttpMethod.Get, "/admin/realms/byok/users?search=al", token);

        Assert.Equal(["dave"], (await EmulatorHost.ReadAsync(byTier)).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray());
        Assert.Equal(["carol"], (await EmulatorHost.ReadAsync(byUsername)).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray());
        Assert.Equal(["alice"], (await EmulatorHost.ReadAsync(search)).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task CreateUser_NewThenDuplicate_Returns201Then409()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        var body = new JsonObject
        {
            ["username"] = "erin", ["enabled"] = true, ["email"] = "erin@example.com",
            ["credentials"] = new JsonArray(new JsonObject { ["type"] = "password", ["value"] = "erin", ["temporary"] = false }),
        };
        using var created = await host.SendAsync(HttpMethod.Post, "/admin/realms/byok/users", token, body);
        using var duplicate = await host.SendAsync(HttpMethod.Post, "/admin/realms/byok/users", token, body);
        var login = await host.PasswordTokenAsync("erin");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(host.BaseAddress + "admin/realms/byok/users/", created.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("User exists with same username", (await EmulatorHost.ReadObjectAsync(duplicate))["errorMessage"]!.GetValue<string>());
        Assert.Equal(created.Headers.Location!.Segments[^1], EmulatorHost.Payload(login["access_token"]!.GetValue<string>())["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResetPassword_NewValue_IsUsedForLogin()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var reset = await host.SendAsync(HttpMethod.Put, UserPath(EmulatorHost.AliceId) + "/reset-password", await host.ServiceAccountTokenAsync(),
            new JsonObject { ["type"] = "password", ["value"] = "n3w", ["temporary"] = false });
        using var login = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "byok-cli"), ("username", "alice"), ("password", "n3w"));

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task DeleteUser_Existing_IsGone()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.ServiceAccountTokenAsync();
        using var delete = await host.SendAsync(HttpMethod.Delete, UserPath(EmulatorHost.DaveId), token);
        using var get = await host.SendAsync(HttpMethod.Get, UserPath(EmulatorHost.DaveId), token);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
