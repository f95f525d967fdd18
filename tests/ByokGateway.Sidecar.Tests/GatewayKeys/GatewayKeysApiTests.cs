using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.GatewayKeys;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>Creating, listing and revoking gateway keys through the management API (DESIGN.md §10).</summary>
public sealed class GatewayKeysApiTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Create_ValidName_Returns201WithTheKeyOnceAndStoresOnlyItsHash()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.CreateGatewayKeyAsync("laptop CLI", expiresInDays: 30);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal(["created", "expires", "id", "name", "token"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        var token = body.Token();
        Assert.Matches("^bgk_[a-z2-7]{85}$", token);
        Assert.Equal("laptop CLI", body["name"]!.GetValue<string>());
        var created = DateTimeOffset.Parse(body["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(body["expires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(30), expires - created);

        Assert.True(GatewayKeyFormat.TryParse(token, out var locatedUser, out var secretHash));
        Assert.Equal(user.Id, locatedUser);
        var hashHex = Convert.ToHexStringLower(secretHash);
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        var stored = JsonNode.Parse(attributes["byok_gk_" + body.Id()]![0]!.GetValue<string>())!.AsObject();
        Assert.Equal(hashHex, stored["sha256"]!.GetValue<string>());
        Assert.Equal("laptop CLI", stored["name"]!.GetValue<string>());
        var everything = attributes.ToJsonString();
        SecretAssert.Absent(everything, token, "the gateway key", "Keycloak's attributes");
        SecretAssert.Absent(everything, token[GatewayKeyFormat.Prefix.Length..^4], "the gateway key's body", "Keycloak's attributes");
        Assert.Equal(1, CountOccurrences(everything, hashHex)); // only in the hash field
    }

    [Fact]
    public async Task List_AfterCreate_ShowsPreviewAndDatesButNeverTheKeyOrItsHash()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var first = await client.NewGatewayKeyAsync("first");
        var second = await client.NewGatewayKeyAsync("second");

        using var response = await client.GetAsync("api/v1/byok/tokens", TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var list = (await response.AssertOkJsonAsync()).AsArray();
        Assert.Equal([first.Id(), second.Id()], list.Select(k => k!["id"]!.GetValue<string>()));
        var entry = list[0]!.AsObject();
        Assert.Equal(["created", "expires", "id", "last_used", "name", "token_preview"], entry.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("first", entry["name"]!.GetValue<string>());
        Assert.Equal("bgk_****" + first.Token()[^4..], entry["token_preview"]!.GetValue<string>());
        Assert.Equal(first["created"]!.GetValue<string>(), entry["created"]!.GetValue<string>());
        Assert.Equal(first["expires"]!.GetValue<string>(), entry["expires"]!.GetValue<string>());
        Assert.Null(entry["last_used"]);
        foreach (var key in new[] { first, second })
        {
            SecretAssert.Absent(text, key.Token(), "a gateway key", "The list");
            Assert.True(GatewayKeyFormat.TryParse(key.Token(), out _, out var hash));
            SecretAssert.Absent(text, Convert.ToHexStringLower(hash), "a gateway key's hash", "The list");
        }
    }

    [Fact]
    public async Task Create_WithoutExpiry_ExpiresIn90Days()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var body = await client.NewGatewayKeyAsync("default expiry");

        var created = DateTimeOffset.Parse(body["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(body["expires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(90), expires - created);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"name":""}""", "name" },
        { """{"name":"   "}""", "name" },
        { """{}""", "name" },
        { """{"name":42}""", "name" },
        { "{\"name\":\"" + new string('n', 101) + "\"}", "name" },
        { """{"name":"line\nbreak"}""", "name" },
        { """{"name":"tab\there"}""", "name" },
        { """{"name":"bell\u0007"}""", "name" },
        { """{"name":"right-to-left \u202E override"}""", "name" },
        { """{"name":"broken \uD800 pair"}""", "name" },
        { """{"name":"ok","expires_in_days":0}""", "expires_in_days" },
        { """{"name":"ok","expires_in_days":366}""", "expires_in_days" },
        { """{"name":"ok","expires_in_days":-5}""", "expires_in_days" },
        { """{"name":"ok","expires_in_days":1.5}""", "expires_in_days" },
        { """{"name":"ok","expires_in_days":"30"}""", "expires_in_days" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_InvalidBody_Returns422NamingTheFieldAndStoresNothing(string json, string field)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.PostAsync("api/v1/byok/tokens", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.FieldErrors(field));
        Assert.DoesNotContain((await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?.AsObject() ?? [], a => a.Key.StartsWith("byok_gk_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("laptop 💻")]
    [InlineData("👩‍💻 work")]
    [InlineData("Zürich – büro")]
    public async Task Create_PrintableUnicodeName_IsKeptAsWritten(string name)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        var created = await client.NewGatewayKeyAsync(name);

        var list = (await (await client.GetAsync("api/v1/byok/tokens", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsArray();
        Assert.Equal(name, created["name"]!.GetValue<string>());
        Assert.Equal(name, list.Single()!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public async Task Create_BodyNotAJsonObject_Returns400(string json)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.PostAsync("api/v1/byok/tokens", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_TwentyFirstKey_Returns409SayingTheLimitAndStoresNothing()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        for (var i = 0; i < 20; i++)
        {
            await client.NewGatewayKeyAsync($"key {i}");
        }

        using var response = await client.CreateGatewayKeyAsync("one too many");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("20", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Revoke", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(20, problem["limit"]!.GetValue<int>());
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        Assert.Equal(20, attributes.Count(a => a.Key.StartsWith("byok_gk_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Create_UserDisabledSinceTheTokenWasIssued_Returns403AndStoresNothing()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var representation = await Stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await Stack.Keycloak.PutUserAsync(user.Id, representation);

        using var response = await client.CreateGatewayKeyAsync("after disabling");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain((await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]?.AsObject() ?? [], a => a.Key.StartsWith("byok_gk_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revoke_ExistingKey_RemovesItFromKeycloakAndTheList()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var kept = await client.NewGatewayKeyAsync("kept");
        var revoked = await client.NewGatewayKeyAsync("revoked");

        using var response = await client.DeleteAsync($"api/v1/byok/tokens/{revoked.Id()}", TestContext.Current.CancellationToken);

        var body = (await response.AssertOkJsonAsync()).AsObject();
        Assert.Equal("Gateway key revoked", body["message"]!.GetValue<string>());
        Assert.Equal(revoked.Id(), body["id"]!.GetValue<string>());
        Assert.Equal(2, body.Count);
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        Assert.Null(attributes["byok_gk_" + revoked.Id()]);
        Assert.NotNull(attributes["byok_gk_" + kept.Id()]);
        var list = (await (await client.GetAsync("api/v1/byok/tokens", TestContext.Current.CancellationToken)).AssertOkJsonAsync()).AsArray();
        Assert.Equal([kept.Id()], list.Select(k => k!["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData("0123456789ABCDEF")]
    public async Task Revoke_UnknownId_Returns404(string id)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.DeleteAsync($"api/v1/byok/tokens/{id}", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoke_AnotherUsersKeyId_Returns404AndKeepsTheirKey()
    {
        var owner = await Stack.Keycloak.CreateUserAsync("starter");
        var other = await Stack.Keycloak.CreateUserAsync("starter");
        using var ownerClient = Stack.Sidecar.Client(await owner.TokenAsync());
        using var otherClient = Stack.Sidecar.Client(await other.TokenAsync());
        var key = await ownerClient.NewGatewayKeyAsync();

        using var response = await otherClient.DeleteAsync($"api/v1/byok/tokens/{key.Id()}", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.NotNull((await Stack.Keycloak.GetUserAsync(owner.Id))["attributes"]!["byok_gk_" + key.Id()]);
    }

    public static TheoryData<string, string> ManagementCalls => new()
    {
        { "GET", "api/v1/byok/tokens" },
        { "POST", "api/v1/byok/tokens" },
        { "DELETE", "api/v1/byok/tokens/0123456789abcdef" },
        { "GET", "api/v1/byok/keys" },
        { "POST", "api/v1/byok/keys/add" },
        { "DELETE", "api/v1/byok/keys/openai" },
        { "GET", "api/v1/byok/providers" },
        { "GET", "api/v1/byok/stats" },
    };

    [Theory]
    [MemberData(nameof(ManagementCalls))]
    public async Task ManagementApi_WithGatewayKey_Returns403SayingToSignInAndChangesNothing(string method, string path)
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        using var tokenClient = Stack.Sidecar.Client(await user.TokenAsync());
        await (await tokenClient.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();
        var key = await tokenClient.NewGatewayKeyAsync();
        var before = await StoredStateAsync(user);
        using var client = Stack.Sidecar.GatewayKeyClient(key.Token());
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = JsonContent.Create(new JsonObject { ["name"] = "minted by a gateway key", ["provider"] = "openai", ["key"] = TestGateway.ValidUserKeys[1] }),
        };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("sign in with Keycloak", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredStateAsync(user));
    }

    [Fact]
    public async Task Tokens_WithoutCredential_Returns401()
    {
        using var client = Stack.Sidecar.Client();

        await (await client.GetAsync("api/v1/byok/tokens", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.CreateGatewayKeyAsync("anonymous")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheGatewayKeyEndpoints()
    {
        var document = await (await Stack.Sidecar.Client().GetAsync("openapi/v1.json", TestContext.Current.CancellationToken)).AssertOkJsonAsync();

        var paths = document["paths"]!.AsObject();
        var tokens = paths["/api/v1/byok/tokens"]!.AsObject();
        Assert.NotNull(tokens["get"]);
        Assert.NotNull(tokens["post"]);
        Assert.NotNull(tokens["post"]!["requestBody"]);
        Assert.Contains("201", tokens["post"]!["responses"]!.AsObject().Select(r => r.Key));
        Assert.NotNull(paths["/api/v1/byok/tokens/{id}"]!["delete"]);
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Contains("token_preview", schemas["GatewayKeyResponse"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("expires_in_days", schemas["CreateGatewayKeyRequest"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    /// <summary>
    /// What a call could change: every attribute, with each gateway key reduced to hash, name and
    /// expiry (its last_used day records that the key authenticated, even where the call is refused).
    /// </summary>
    private async Task<string> StoredStateAsync(TestUser user)
    {
        var attributes = (await Stack.Keycloak.GetUserAsync(user.Id))["attributes"]!.AsObject();
        return string.Join('\n', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var value = a.Value![0]!.GetValue<string>();
            if (a.Key.StartsWith("byok_gk_", StringComparison.Ordinal))
            {
                var key = JsonNode.Parse(value)!;
                value = $"{key["sha256"]} {key["name"]} {key["expires"]}";
            }

            return $"{a.Key}={value}";
        }));
    }

    private static int CountOccurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
