using System.Net;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KeycloakEmulator.Tests.Tokens;

public sealed class TokenEndpointsTests
{
    [Fact]
    public async Task Password_ByokCli_TokenValidatesAgainstJwksWithSidecarAudience()
    {
        await using var host = await EmulatorHost.StartAsync();
        var response = await host.PasswordTokenAsync("bob");
        var jwks = new JsonWebKeySet(await host.Client.GetStringAsync("/realms/byok/protocol/openid-connect/certs", TestContext.Current.CancellationToken));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(response["access_token"]!.GetValue<string>(), new TokenValidationParameters
        {
            ValidIssuer = host.Issuer,
            ValidAudience = "byok-sidecar",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["RS256"],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(EmulatorHost.BobId, token.Subject);
        Assert.Equal("Bearer", token.GetClaim("typ").Value);
        Assert.Equal("byok-cli", token.GetClaim("azp").Value);
        Assert.Equal("bob", token.GetClaim("preferred_username").Value);
        Assert.Equal("bob@example.com", token.GetClaim("email").Value);
        Assert.Equal(["byok-sidecar", "account"], token.Audiences.ToArray());
        Assert.Equal(300, response["expires_in"]!.GetValue<int>());
        Assert.Equal("profile email", response["scope"]!.GetValue<string>());
        Assert.NotNull(response["refresh_token"]);
    }

    [Fact]
    public async Task Password_WrongPassword_Returns401InvalidGrant()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "byok-cli"), ("username", "bob"), ("password", "nope"));
        var body = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Equal("Invalid user credentials", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Password_ClientWithoutDirectGrants_Returns400UnauthorizedClient()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "account-console"), ("username", "bob"), ("password", "bob"));
        var body = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", body["error"]!.GetValue<string>());
        Assert.Equal("Client not allowed for direct access grants", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_UnknownClient_Returns401InvalidClient()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "ghost"), ("username", "bob"), ("password", "bob"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_UnsupportedGrantType_Returns400()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "implicit-ish"), ("client_id", "byok-cli"));
        using var missing = await host.TokenRequestAsync(("client_id", "byok-cli"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await EmulatorHost.ReadObjectAsync(response))["error"]!.GetValue<string>());
        Assert.Equal("Missing form parameter: grant_type", (await EmulatorHost.ReadObjectAsync(missing))["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_SecretFromVariables_ReturnsServiceAccountToken()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "client_credentials"), ("client_id", "byok-sidecar"), ("client_secret", EmulatorHost.SidecarSecret));
        var body = await EmulatorHost.ReadObjectAsync(response);
        var claims = EmulatorHost.Payload(body["access_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(body["refresh_token"]);
        Assert.Equal(EmulatorHost.ServiceAccountId, claims["sub"]!.GetValue<string>());
        Assert.Equal("service-account-byok-sidecar", claims["preferred_username"]!.GetValue<string>());
        var managementRoles = claims["resource_access"]!["realm-management"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("view-users", managementRoles);
        Assert.Contains("manage-users", managementRoles);
        Assert.Contains("realm-management", claims["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("byok-sidecar", claims["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_HttpBasic_IsAccepted()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/realms/byok/protocol/openid-connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("byok-sidecar:" + EmulatorHost.SidecarSecret)));
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_Returns401WithKeycloakError()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "client_credentials"), ("client_id", "byok-sidecar"), ("client_secret", "wrong"));
        var body = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Keycloak 26 answers a wrong secret with unauthorized_client; invalid_client is for unknown clients.
        Assert.Equal("unauthorized_client", body["error"]!.GetValue<string>());
        Assert.Equal("Invalid client or Invalid client credentials", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_PublicClient_Returns400UnauthorizedClient()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.TokenRequestAsync(("grant_type", "client_credentials"), ("client_id", "byok-cli"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Public client not allowed to retrieve service account", (await EmulatorHost.ReadObjectAsync(response))["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefreshToken_Valid_IssuesNewAccessToken()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await host.PasswordTokenAsync("carol");
        using var response = await host.TokenRequestAsync(("grant_type", "refresh_token"), ("client_id", "byok-cli"), ("refresh_token", first["refresh_token"]!.GetValue<string>()));
        var body = await EmulatorHost.ReadObjectAsync(response);
        using var wrongClient = await host.TokenRequestAsync(("grant_type", "refresh_token"), ("client_id", "admin-cli"), ("refresh_token", first["refresh_token"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorHost.CarolId, EmulatorHost.Payload(body["access_token"]!.GetValue<string>())["sub"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, wrongClient.StatusCode);
        Assert.Equal("invalid_grant", (await EmulatorHost.ReadObjectAsync(wrongClient))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Password_AfterFailureFactorWrongPasswords_LocksUser()
    {
        await using var host = await EmulatorHost.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "byok-cli"), ("username", "dave"), ("password", "nope"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "byok-cli"), ("username", "dave"), ("password", "dave"));
        using var other = await host.TokenRequestAsync(("grant_type", "password"), ("client_id", "byok-cli"), ("username", "carol"), ("password", "carol"));

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal("Invalid user credentials", (await EmulatorHost.ReadObjectAsync(locked))["error_description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task TokenPreflight_AccountConsoleOrigin_IsAnswered()
    {
        await using var host = await EmulatorHost.StartAsync();
        var origin = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        using var request = new HttpRequestMessage(HttpMethod.Options, "/realms/byok/protocol/openid-connect/token");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task TokenPost_OriginNotInClientWebOrigins_GetsNoCorsHeaders()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/realms/byok/protocol/openid-connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "byok-cli", ["username"] = "bob", ["password"] = "bob" }),
        };
        request.Headers.Add("Origin", "http://evil.test");
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Userinfo_TokenWithOpenIdScope_ReturnsUserClaims()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = (await host.PasswordTokenAsync("alice", scope: "openid"))["access_token"]!.GetValue<string>();
        var withoutOpenId = (await host.PasswordTokenAsync("alice"))["access_token"]!.GetValue<string>();
        using var response = await host.SendAsync(HttpMethod.Get, "/realms/byok/protocol/openid-connect/userinfo", token);
        using var refused = await host.SendAsync(HttpMethod.Get, "/realms/byok/protocol/openid-connect/userinfo", withoutOpenId);
        var body = await EmulatorHost.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorHost.AliceId, body["sub"]!.GetValue<string>());
        Assert.Equal("alice@example.com", body["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("insufficient_scope", (await EmulatorHost.ReadObjectAsync(refused))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task MintedToken_AccountConsole_CarriesSidecarAudience()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.SendAsync(HttpMethod.Post, "/_emulator/realms/byok/tokens", null, new JsonObject { ["username"] = "bob", ["clientId"] = "account-console" });
        var claims = EmulatorHost.Payload((await EmulatorHost.ReadObjectAsync(response))["access_token"]!.GetValue<string>());

        Assert.Equal("account-console", claims["azp"]!.GetValue<string>());
        Assert.Equal(["byok-sidecar", "account"], claims["aud"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray());
        Assert.Null(claims["realm_access"]);
    }
}
