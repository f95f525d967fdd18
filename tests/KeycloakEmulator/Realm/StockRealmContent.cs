namespace KeycloakEmulator.Realm;

/// <summary>
/// What Keycloak creates by itself in every realm (RealmManager.importRealm): the realm-management client
/// with the admin roles, the account clients, the default roles and, when an export brings no client
/// scopes, the built-in OIDC scopes. Only what the loaded files do not define is added.
/// </summary>
internal static class StockRealmContent
{
    public const string RealmManagement = "realm-management";
    public const string MasterRealm = "master";
    public const string MasterAdminRole = "admin";

    private static readonly string[] AdminRoles =
    [
        "create-client", "impersonation", "manage-authorization", "manage-clients", "manage-events", "manage-identity-providers",
        "manage-realm", "manage-users", "query-clients", "query-groups", "query-realms", "query-users", "view-authorization",
        "view-clients", "view-events", "view-identity-providers", "view-realm", "view-users",
    ];

    private static readonly string[] BuiltInDefaultScopes = ["profile", "email", "roles", "web-origins", "acr", "basic"];

    public static void Complete(RealmState realm, bool createBuiltInScopes)
    {
        if (createBuiltInScopes)
        {
            AddBuiltInScopes(realm);
        }

        var defaultRoleExisted = realm.Roles.ContainsKey(RoleRef.Realm(realm.DefaultRoleName));
        var defaultRole = realm.AddRole(RoleRef.Realm(realm.DefaultRoleName));
        realm.AddRole(RoleRef.Realm("offline_access"));
        realm.AddRole(RoleRef.Realm("uma_authorization"));

        if (!realm.Clients.ContainsKey("account"))
        {
            var account = StockAccountClient(realm, "account");
            realm.Clients[account.ClientId] = account;
            foreach (var role in new[] { "view-profile", "manage-account", "manage-account-links", "view-applications", "view-consent", "manage-consent", "view-groups", "delete-account" })
            {
                realm.AddRole(RoleRef.Client("account", role));
            }

            realm.AddRole(RoleRef.Client("account", "manage-account")).Composites.Add(RoleRef.Client("account", "manage-account-links"));
            realm.AddRole(RoleRef.Client("account", "manage-consent")).Composites.Add(RoleRef.Client("account", "view-consent"));
        }

        if (!defaultRoleExisted)
        {
            defaultRole.Composites.UnionWith([RoleRef.Realm("offline_access"), RoleRef.Realm("uma_authorization"),
                RoleRef.Client("account", "view-profile"), RoleRef.Client("account", "manage-account")]);
        }

        if (!realm.Clients.ContainsKey("account-console"))
        {
            var console = StockAccountClient(realm, "account-console");
            console.WebOrigins.Add("+");
            console.Attributes["pkce.code.challenge.method"] = "S256";
            console.Mappers.Add(new ProtocolMapperDefinition("audience resolve", "oidc-audience-resolve-mapper", new Dictionary<string, string>()));
            console.ScopeRoles.UnionWith([RoleRef.Client("account", "manage-account"), RoleRef.Client("account", "view-groups")]);
            realm.Clients[console.ClientId] = console;
        }

        if (realm.Name != MasterRealm && !realm.Clients.ContainsKey(RealmManagement))
        {
            realm.Clients[RealmManagement] = new ClientDefinition(RealmManagement) { BearerOnly = true, FullScopeAllowed = false };
        }

        if (realm.Name != MasterRealm)
        {
            var realmAdmin = realm.AddRole(RoleRef.Client(RealmManagement, "realm-admin"));
            foreach (var role in AdminRoles)
            {
                realm.AddRole(RoleRef.Client(RealmManagement, role));
                realmAdmin.Composites.Add(RoleRef.Client(RealmManagement, role));
            }

            // RealmManager.addQueryCompositeRoles
            realm.AddRole(RoleRef.Client(RealmManagement, "view-users")).Composites.UnionWith([RoleRef.Client(RealmManagement, "query-users"), RoleRef.Client(RealmManagement, "query-groups")]);
            realm.AddRole(RoleRef.Client(RealmManagement, "view-clients")).Composites.Add(RoleRef.Client(RealmManagement, "query-clients"));
        }
    }

    /// <summary>The master realm Keycloak always has: admin-cli and the bootstrap admin, whose <c>admin</c> role administers every realm.</summary>
    public static RealmState CreateMaster(string adminUsername, string adminPassword, long createdTimestamp)
    {
        var master = new RealmState(MasterRealm) { DefaultRoleName = "default-roles-master" };
        master.Clients["admin-cli"] = new ClientDefinition("admin-cli") { PublicClient = true, StandardFlowEnabled = false, DirectAccessGrantsEnabled = true };
        Complete(master, createBuiltInScopes: true);
        master.AddRole(RoleRef.Realm(MasterAdminRole));
        master.AddRole(RoleRef.Realm("create-realm"));
        var admin = new UserRecord
        {
            Id = "00000000-0000-4000-8000-00000000ad01",
            Username = adminUsername.ToLowerInvariant(),
            Password = adminPassword,
            Enabled = true,
            CreatedTimestamp = createdTimestamp,
        };
        admin.RoleMappings.UnionWith([RoleRef.Realm(MasterAdminRole), RoleRef.Realm("create-realm"), RoleRef.Realm(master.DefaultRoleName)]);
        master.Users[admin.Id] = admin;
        return master;
    }

    private static ClientDefinition StockAccountClient(RealmState realm, string clientId)
    {
        var client = new ClientDefinition(clientId) { PublicClient = true, FullScopeAllowed = false, RootUrl = "${authBaseUrl}" };
        client.RedirectUris.Add($"/realms/{realm.Name}/account/*");
        return client;
    }

    private static void AddBuiltInScopes(RealmState realm)
    {
        static Dictionary<string, string> Claim(string claim, string userAttribute, string type = "String") => new()
        {
            ["user.attribute"] = userAttribute, ["claim.name"] = claim, ["jsonType.label"] = type,
            ["access.token.claim"] = "true", ["id.token.claim"] = "true", ["userinfo.token.claim"] = "true",
        };

        var profile = new ClientScopeDefinition("profile");
        profile.Mappers.AddRange([
            new ProtocolMapperDefinition("full name", "oidc-full-name-mapper", new Dictionary<string, string> { ["access.token.claim"] = "true", ["id.token.claim"] = "true", ["userinfo.token.claim"] = "true" }),
            new ProtocolMapperDefinition("family name", "oidc-usermodel-attribute-mapper", Claim("family_name", "lastName")),
            new ProtocolMapperDefinition("given name", "oidc-usermodel-attribute-mapper", Claim("given_name", "firstName")),
            new ProtocolMapperDefinition("username", "oidc-usermodel-attribute-mapper", Claim("preferred_username", "username")),
        ]);
        var email = new ClientScopeDefinition("email");
        email.Mappers.AddRange([
            new ProtocolMapperDefinition("email", "oidc-usermodel-attribute-mapper", Claim("email", "email")),
            new ProtocolMapperDefinition("email verified", "oidc-usermodel-property-mapper", Claim("email_verified", "emailVerified", "boolean")),
        ]);
        var roles = new ClientScopeDefinition("roles") { IncludeInTokenScope = false };
        roles.Mappers.AddRange([
            new ProtocolMapperDefinition("realm roles", "oidc-usermodel-realm-role-mapper", new Dictionary<string, string> { ["claim.name"] = "realm_access.roles", ["multivalued"] = "true", ["access.token.claim"] = "true" }),
            new ProtocolMapperDefinition("client roles", "oidc-usermodel-client-role-mapper", new Dictionary<string, string> { ["claim.name"] = "resource_access.${client_id}.roles", ["multivalued"] = "true", ["access.token.claim"] = "true" }),
            new ProtocolMapperDefinition("audience resolve", "oidc-audience-resolve-mapper", new Dictionary<string, string> { ["access.token.claim"] = "true" }),
        ]);
        var webOrigins = new ClientScopeDefinition("web-origins") { IncludeInTokenScope = false };
        webOrigins.Mappers.Add(new ProtocolMapperDefinition("allowed web origins", "oidc-allowed-origins-mapper", new Dictionary<string, string> { ["access.token.claim"] = "true" }));
        var acr = new ClientScopeDefinition("acr") { IncludeInTokenScope = false };
        acr.Mappers.Add(new ProtocolMapperDefinition("acr loa level", "oidc-acr-mapper", new Dictionary<string, string> { ["access.token.claim"] = "true", ["id.token.claim"] = "true" }));
        var basic = new ClientScopeDefinition("basic") { IncludeInTokenScope = false };
        basic.Mappers.AddRange([
            new ProtocolMapperDefinition("sub", "oidc-sub-mapper", new Dictionary<string, string> { ["access.token.claim"] = "true" }),
            new ProtocolMapperDefinition("auth_time", "oidc-usersessionmodel-note-mapper", new Dictionary<string, string> { ["user.session.note"] = "AUTH_TIME", ["claim.name"] = "auth_time", ["jsonType.label"] = "long", ["access.token.claim"] = "true", ["id.token.claim"] = "true" }),
        ]);
        var offline = new ClientScopeDefinition("offline_access");
        offline.ScopeRoles.Add(RoleRef.Realm("offline_access"));

        foreach (var scope in new[] { profile, email, roles, webOrigins, acr, basic, offline })
        {
            realm.ClientScopes.TryAdd(scope.Name, scope);
        }

        if (realm.DefaultDefaultClientScopes.Count == 0)
        {
            realm.DefaultDefaultClientScopes.AddRange(BuiltInDefaultScopes);
            realm.DefaultOptionalClientScopes.Add("offline_access");
        }
    }
}
