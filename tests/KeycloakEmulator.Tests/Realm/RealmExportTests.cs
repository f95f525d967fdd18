using System.Text.Json.Nodes;
using KeycloakEmulator.Hosting;

namespace KeycloakEmulator.Tests.Realm;

/// <summary>The export a real Keycloak imports: checked for what the product relies on.</summary>
public sealed class RealmExportTests
{
    private static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find()!, relative)))!.AsObject();

    private static JsonObject Realm => Load(RepositoryRoot.RealmFile);

    private static JsonObject Client(string clientId) =>
        Realm["clients"]!.AsArray().Single(c => c!["clientId"]!.GetValue<string>() == clientId)!.AsObject();

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Fact]
    public void RealmExport_Settings_MatchTheDesign()
    {
        var realm = Realm;
        Assert.Equal("byok", realm["realm"]!.GetValue<string>());
        Assert.True(realm["enabled"]!.GetValue<bool>());
        Assert.Equal("byok", realm["accountTheme"]!.GetValue<string>());
        Assert.True(realm["bruteForceProtected"]!.GetValue<bool>());
        Assert.Equal(300, realm["accessTokenLifespan"]!.GetValue<int>());
        Assert.Equal(1800, realm["ssoSessionIdleTimeout"]!.GetValue<int>());
        Assert.Equal(36000, realm["ssoSessionMaxLifespan"]!.GetValue<int>());
        Assert.True(realm["adminEventsEnabled"]!.GetValue<bool>());
        Assert.False(realm["adminEventsDetailsEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public void RealmExport_Users_OnlyTheSidecarServiceAccount()
    {
        var user = Assert.Single(Realm["users"]!.AsArray())!.AsObject();
        Assert.Equal("service-account-byok-sidecar", user["username"]!.GetValue<string>());
        Assert.Equal("byok-sidecar", user["serviceAccountClientId"]!.GetValue<string>());
        Assert.Equal(["view-users", "manage-users", "view-events"], Strings(user["clientRoles"]!["realm-management"]));
        Assert.Null(user["credentials"]);
    }

    [Fact]
    public void RealmExport_Clients_AreConfiguredForTheirRoles()
    {
        var sidecar = Client("byok-sidecar");
        Assert.False(sidecar["publicClient"]!.GetValue<bool>());
        Assert.True(sidecar["serviceAccountsEnabled"]!.GetValue<bool>());
        Assert.False(sidecar["standardFlowEnabled"]!.GetValue<bool>());
        Assert.False(sidecar["directAccessGrantsEnabled"]!.GetValue<bool>());
        Assert.Equal("${BYOK_SIDECAR_SECRET}", sidecar["secret"]!.GetValue<string>());

        var cli = Client("byok-cli");
        Assert.True(cli["publicClient"]!.GetValue<bool>());
        Assert.True(cli["directAccessGrantsEnabled"]!.GetValue<bool>());
        Assert.False(cli["standardFlowEnabled"]!.GetValue<bool>());
        Assert.Equal("true", cli["attributes"]!["oauth2.device.authorization.grant.enabled"]!.GetValue<string>());
        Assert.Contains("byok-sidecar-audience", Strings(cli["defaultClientScopes"]));

        var console = Client("account-console");
        Assert.True(console["publicClient"]!.GetValue<bool>());
        Assert.Equal("S256", console["attributes"]!["pkce.code.challenge.method"]!.GetValue<string>());
        Assert.Equal(["/realms/byok/account/*"], Strings(console["redirectUris"]));
        Assert.Equal(["+"], Strings(console["webOrigins"]));
        Assert.Contains("byok-sidecar-audience", Strings(console["defaultClientScopes"]));
    }

    [Fact]
    public void RealmExport_ClientScopes_KeepBuiltInsAndAddAudienceMapper()
    {
        var realm = Realm;
        var scopes = realm["clientScopes"]!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => s["name"]!.GetValue<string>());
        foreach (var builtIn in new[] { "profile", "email", "roles", "web-origins", "acr", "basic", "offline_access" })
        {
            Assert.True(scopes.ContainsKey(builtIn), builtIn);
        }

        foreach (var builtIn in new[] { "profile", "email", "roles", "web-origins", "acr", "basic" })
        {
            Assert.Contains(builtIn, Strings(realm["defaultDefaultClientScopes"]));
        }

        var mapper = Assert.Single(scopes["byok-sidecar-audience"]["protocolMappers"]!.AsArray())!;
        Assert.Equal("oidc-audience-mapper", mapper["protocolMapper"]!.GetValue<string>());
        Assert.Equal("byok-sidecar", mapper["config"]!["included.client.audience"]!.GetValue<string>());
        Assert.Equal("true", mapper["config"]!["access.token.claim"]!.GetValue<string>());
        Assert.Equal("false", mapper["config"]!["id.token.claim"]!.GetValue<string>());
    }

    [Fact]
    public void RealmExport_UserProfile_DeclaresTierAndAdminEdit()
    {
        var component = Assert.Single(Realm["components"]!["org.keycloak.userprofile.UserProfileProvider"]!.AsArray())!;
        var config = JsonNode.Parse(component["config"]!["kc.user.profile.config"]![0]!.GetValue<string>())!.AsObject();
        var attributes = config["attributes"]!.AsArray().Select(a => a!.AsObject()).ToDictionary(a => a["name"]!.GetValue<string>());

        Assert.Equal("ADMIN_EDIT", config["unmanagedAttributePolicy"]!.GetValue<string>());
        Assert.Equal(["username", "email", "firstName", "lastName", "subscription_tier"], attributes.Keys.ToArray());
        var tier = attributes["subscription_tier"];
        Assert.Equal(["trial", "free", "starter", "professional", "enterprise"], Strings(tier["validations"]!["options"]!["options"]));
        Assert.Equal("select", tier["annotations"]!["inputType"]!.GetValue<string>());
        Assert.Equal(["admin", "user"], Strings(tier["permissions"]!["view"]));
        Assert.Equal(["admin"], Strings(tier["permissions"]!["edit"]));
        Assert.Equal("user-metadata", config["groups"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void DemoUsers_File_HasFourUsersWithTiersAndPasswords()
    {
        var file = Load(RepositoryRoot.DemoUsersFile);
        var users = file["users"]!.AsArray().Select(u => u!.AsObject()).ToDictionary(u => u["username"]!.GetValue<string>());

        Assert.Equal("byok", file["realm"]!.GetValue<string>());
        Assert.Equal(["alice", "bob", "carol", "dave"], users.Keys.ToArray());
        Assert.Equal(["free"], Strings(users["alice"]["attributes"]!["subscription_tier"]));
        Assert.Equal(["enterprise"], Strings(users["dave"]["attributes"]!["subscription_tier"]));
        Assert.Equal("bob", users["bob"]["credentials"]![0]!["value"]!.GetValue<string>());
        Assert.False(users["bob"]["credentials"]![0]!["temporary"]!.GetValue<bool>());
        Assert.Equal("carol@example.com", users["carol"]["email"]!.GetValue<string>());
    }
}
