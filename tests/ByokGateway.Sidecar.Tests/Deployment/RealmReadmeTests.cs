using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// realm-export/README.md tells operators to paste JSON into an existing realm; those snippets
/// must stay what the realm export (and so the emulator and compose) actually uses.
/// </summary>
public sealed partial class RealmReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "realm-export", "README.md"));
    private static readonly JsonObject Realm = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "realm-export", "byok-realm.json")))!.AsObject();

    [Fact]
    public void Snippet_SubscriptionTier_IsTheExportsUserProfileAttribute()
    {
        var profile = JsonNode.Parse(Realm["components"]!["org.keycloak.userprofile.UserProfileProvider"]![0]!["config"]!["kc.user.profile.config"]![0]!.GetValue<string>())!;
        var attribute = profile["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "subscription_tier");

        Assert.True(JsonNode.DeepEquals(attribute, Snippet("subscription_tier")), "README's subscription_tier differs from byok-realm.json");
        Assert.Equal("ADMIN_EDIT", profile["unmanagedAttributePolicy"]!.GetValue<string>());
        Assert.Contains("unmanagedAttributePolicy = \"ADMIN_EDIT\"", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Snippet_AudienceScope_IsTheExportsClientScopeWithoutIds()
    {
        var scope = Realm["clientScopes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "byok-sidecar-audience")!.DeepClone().AsObject();
        scope.Remove("id");
        foreach (var mapper in scope["protocolMappers"]!.AsArray())
        {
            mapper!.AsObject().Remove("id");
        }

        Assert.True(JsonNode.DeepEquals(scope, Snippet("byok-sidecar-audience")), "README's byok-sidecar-audience differs from byok-realm.json");
    }

    [Fact]
    public void Readme_NamesEveryClientAndRoleTheSidecarNeeds()
    {
        var sidecar = Realm["clients"]!.AsArray().Single(c => c!["clientId"]!.GetValue<string>() == KeycloakServer.SidecarClient)!;
        var serviceAccount = Realm["users"]!.AsArray().Single(u => u!["serviceAccountClientId"]?.GetValue<string>() == KeycloakServer.SidecarClient)!;
        var roles = serviceAccount["clientRoles"]!["realm-management"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();

        Assert.True(sidecar["serviceAccountsEnabled"]!.GetValue<bool>());
        Assert.Equal(["view-users", "manage-users", "view-events"], roles);
        foreach (var role in roles)
        {
            Assert.Contains("--rolename " + role, Readme, StringComparison.Ordinal);
        }

        Assert.Contains("-s clientId=" + KeycloakServer.SidecarClient, Readme, StringComparison.Ordinal);
        Assert.Contains("-s clientId=" + KeycloakServer.CliClient, Readme, StringComparison.Ordinal);
        Assert.Contains("-s accountTheme=" + Realm["accountTheme"]!.GetValue<string>(), Readme, StringComparison.Ordinal);
        Assert.False(Realm["adminEventsDetailsEnabled"]!.GetValue<bool>());
        Assert.Contains("-s adminEventsDetailsEnabled=false", Readme, StringComparison.Ordinal);
    }

    private static JsonNode Snippet(string name)
    {
        var match = SnippetPattern().Matches(Readme).SingleOrDefault(m => m.Groups["name"].Value == name);
        Assert.True(match is not null, $"README has no snippet '{name}'");
        return JsonNode.Parse(match.Groups["json"].Value)!;
    }

    [GeneratedRegex(@"<!-- snippet: (?<name>[\w-]+) -->\s*```json\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
