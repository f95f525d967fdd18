using System.Text.Json;
using System.Text.Json.Nodes;
using KeycloakEmulator.Hosting;
using KeycloakEmulator.Profile;

namespace KeycloakEmulator.Realm;

/// <summary>Reads Keycloak realm exports and partial user exports into <see cref="RealmState"/>.</summary>
internal sealed class RealmFileLoader(PlaceholderResolver placeholders, TimeProvider time)
{
    private const string UserProfileProviderType = "org.keycloak.userprofile.UserProfileProvider";

    public RealmState LoadRealm(string path)
    {
        var json = Read(path);
        var name = json["realm"]?.GetValue<string>() ?? throw new EmulatorStartupException($"{path} has no \"realm\" name.");
        var realm = new RealmState(name);
        if (json["id"]?.GetValue<string>() is { Length: > 0 } realmId)
        {
            realm.Id = realmId;
        }

        var s = realm.Settings;
        s.Enabled = Bool(json, "enabled") ?? true;
        s.AccessTokenLifespan = Int(json, "accessTokenLifespan") ?? 300;
        s.SsoSessionIdleTimeout = Int(json, "ssoSessionIdleTimeout") ?? 1800;
        s.SsoSessionMaxLifespan = Int(json, "ssoSessionMaxLifespan") ?? 36000;
        s.DeviceCodeLifespan = Int(json, "oauth2DeviceCodeLifespan") ?? 600;
        s.DevicePollingInterval = Int(json, "oauth2DevicePollingInterval") ?? 5;
        s.EditUsernameAllowed = Bool(json, "editUsernameAllowed") ?? false;
        s.DuplicateEmailsAllowed = Bool(json, "duplicateEmailsAllowed") ?? false;
        s.RegistrationEmailAsUsername = Bool(json, "registrationEmailAsUsername") ?? false;
        s.BruteForceProtected = Bool(json, "bruteForceProtected") ?? false;
        s.FailureFactor = Int(json, "failureFactor") ?? 30;
        s.WaitIncrementSeconds = Int(json, "waitIncrementSeconds") ?? 60;
        s.MaxFailureWaitSeconds = Int(json, "maxFailureWaitSeconds") ?? 900;
        s.MaxDeltaTimeSeconds = Int(json, "maxDeltaTimeSeconds") ?? 43200;
        s.PermanentLockout = Bool(json, "permanentLockout") ?? false;
        s.EventsEnabled = Bool(json, "eventsEnabled") ?? false;
        s.EventsExpiration = json["eventsExpiration"]?.GetValue<long>() ?? 0;
        if (json["eventsListeners"] is JsonArray listeners)
        {
            s.EventsListeners.Clear();
            s.EventsListeners.AddRange(Strings(listeners));
        }

        s.EnabledEventTypes.AddRange(Strings(json["enabledEventTypes"]));
        s.AdminEventsEnabled = Bool(json, "adminEventsEnabled") ?? false;
        s.AdminEventsDetailsEnabled = Bool(json, "adminEventsDetailsEnabled") ?? false;

        realm.DefaultRoleName = json["defaultRole"]?["name"]?.GetValue<string>() ?? $"default-roles-{name.ToLowerInvariant()}";
        LoadRoles(realm, json["roles"] as JsonObject);

        var declaresScopes = json["clientScopes"] is JsonArray;
        if (json["clientScopes"] is JsonArray scopes)
        {
            foreach (var scope in scopes.OfType<JsonObject>())
            {
                var definition = new ClientScopeDefinition(scope["name"]!.GetValue<string>())
                {
                    Protocol = scope["protocol"]?.GetValue<string>() ?? "openid-connect",
                    IncludeInTokenScope = !string.Equals(scope["attributes"]?["include.in.token.scope"]?.GetValue<string>(), "false", StringComparison.Ordinal),
                };
                definition.Mappers.AddRange(Mappers(scope["protocolMappers"]));
                realm.ClientScopes[definition.Name] = definition;
            }
        }

        realm.DefaultDefaultClientScopes.AddRange(Strings(json["defaultDefaultClientScopes"]));
        realm.DefaultOptionalClientScopes.AddRange(Strings(json["defaultOptionalClientScopes"]));

        if (json["clients"] is JsonArray clients)
        {
            foreach (var client in clients.OfType<JsonObject>())
            {
                var definition = LoadClient(client);
                realm.Clients[definition.ClientId] = definition;
            }
        }

        if (json["scopeMappings"] is JsonArray scopeMappings)
        {
            foreach (var mapping in scopeMappings.OfType<JsonObject>())
            {
                var roles = Strings(mapping["roles"]).Select(RoleRef.Realm);
                AddScopeRoles(realm, mapping, roles);
            }
        }

        if (json["clientScopeMappings"] is JsonObject clientScopeMappings)
        {
            foreach (var (roleClient, list) in clientScopeMappings)
            {
                foreach (var mapping in (list as JsonArray ?? []).OfType<JsonObject>())
                {
                    AddScopeRoles(realm, mapping, Strings(mapping["roles"]).Select(r => RoleRef.Client(roleClient, r)));
                }
            }
        }

        // RealmManager.importRealm: built-in scopes and stock clients exist unless the export brings its own.
        StockRealmContent.Complete(realm, createBuiltInScopes: !declaresScopes);

        if (json["components"]?[UserProfileProviderType] is JsonArray components
            && components.OfType<JsonObject>().FirstOrDefault()?["config"]?["kc.user.profile.config"] is JsonArray config
            && config.Count > 0)
        {
            realm.UserProfile = UserProfileConfig.Parse(config[0]!.GetValue<string>());
        }

        if (json["users"] is JsonArray users)
        {
            AddUsers(realm, users, path);
        }

        return realm;
    }

    public void LoadUsers(string path, IReadOnlyDictionary<string, RealmState> realms)
    {
        var json = Read(path);
        var name = json["realm"]?.GetValue<string>() ?? throw new EmulatorStartupException($"{path} has no \"realm\" name.");
        if (!realms.TryGetValue(name, out var realm))
        {
            throw new EmulatorStartupException($"{path} adds users to realm '{name}', which no realm file defines.");
        }

        AddUsers(realm, json["users"] as JsonArray ?? [], path);
    }

    private JsonObject Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new EmulatorStartupException($"Realm file not found: {path}");
        }

        try
        {
            return JsonNode.Parse(placeholders.Resolve(File.ReadAllText(path), path))!.AsObject();
        }
        catch (JsonException e)
        {
            throw new EmulatorStartupException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static void LoadRoles(RealmState realm, JsonObject? roles)
    {
        foreach (var role in (roles?["realm"] as JsonArray ?? []).OfType<JsonObject>())
        {
            AddComposites(realm, realm.AddRole(RoleRef.Realm(role["name"]!.GetValue<string>())), role);
        }

        foreach (var (clientId, list) in roles?["client"] as JsonObject ?? [])
        {
            foreach (var role in (list as JsonArray ?? []).OfType<JsonObject>())
            {
                AddComposites(realm, realm.AddRole(RoleRef.Client(clientId, role["name"]!.GetValue<string>())), role);
            }
        }
    }

    private static void AddComposites(RealmState realm, RoleDefinition definition, JsonObject role)
    {
        if (role["composites"] is not JsonObject composites)
        {
            return;
        }

        foreach (var name in Strings(composites["realm"]))
        {
            definition.Composites.Add(RoleRef.Realm(name));
        }

        foreach (var (clientId, names) in composites["client"] as JsonObject ?? [])
        {
            foreach (var name in Strings(names))
            {
                definition.Composites.Add(RoleRef.Client(clientId, name));
            }
        }
    }

    private static ClientDefinition LoadClient(JsonObject client)
    {
        var definition = new ClientDefinition(client["clientId"]!.GetValue<string>())
        {
            Id = client["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
            Enabled = Bool(client, "enabled") ?? true,
            PublicClient = Bool(client, "publicClient") ?? false,
            BearerOnly = Bool(client, "bearerOnly") ?? false,
            Secret = client["secret"]?.GetValue<string>(),
            StandardFlowEnabled = Bool(client, "standardFlowEnabled") ?? true,
            DirectAccessGrantsEnabled = Bool(client, "directAccessGrantsEnabled") ?? false,
            ServiceAccountsEnabled = Bool(client, "serviceAccountsEnabled") ?? false,
            FullScopeAllowed = Bool(client, "fullScopeAllowed") ?? true,
            RootUrl = client["rootUrl"]?.GetValue<string>(),
            DefaultClientScopes = client["defaultClientScopes"] is JsonArray d ? Strings(d).ToList() : null,
            OptionalClientScopes = client["optionalClientScopes"] is JsonArray o ? Strings(o).ToList() : null,
        };
        definition.RedirectUris.AddRange(Strings(client["redirectUris"]));
        definition.WebOrigins.AddRange(Strings(client["webOrigins"]));
        definition.Mappers.AddRange(Mappers(client["protocolMappers"]));
        foreach (var (key, value) in client["attributes"] as JsonObject ?? [])
        {
            definition.Attributes[key] = value?.ToString() ?? "";
        }

        return definition;
    }

    private static void AddScopeRoles(RealmState realm, JsonObject mapping, IEnumerable<RoleRef> roles)
    {
        var target = mapping["client"]?.GetValue<string>() is { } clientId && realm.Clients.TryGetValue(clientId, out var client)
            ? client.ScopeRoles
            : mapping["clientScope"]?.GetValue<string>() is { } scopeName && realm.ClientScopes.TryGetValue(scopeName, out var scope)
                ? scope.ScopeRoles
                : null;
        target?.UnionWith(roles);
    }

    private void AddUsers(RealmState realm, JsonArray users, string path)
    {
        foreach (var user in users.OfType<JsonObject>())
        {
            var username = user["username"]?.GetValue<string>() ?? throw new EmulatorStartupException($"{path}: a user has no username.");
            var record = new UserRecord
            {
                Id = user["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
                Username = username.ToLowerInvariant(),
                Email = user["email"]?.GetValue<string>()?.ToLowerInvariant(),
                FirstName = user["firstName"]?.GetValue<string>(),
                LastName = user["lastName"]?.GetValue<string>(),
                Enabled = Bool(user, "enabled") ?? false,
                EmailVerified = Bool(user, "emailVerified") ?? false,
                CreatedTimestamp = user["createdTimestamp"]?.GetValue<long>() ?? time.GetUtcNow().ToUnixTimeMilliseconds(),
                ServiceAccountClientId = user["serviceAccountClientId"]?.GetValue<string>(),
                NotBefore = Int(user, "notBefore") ?? 0,
            };
            record.RequiredActions.AddRange(Strings(user["requiredActions"]));
            foreach (var (key, values) in user["attributes"] as JsonObject ?? [])
            {
                record.Attributes[key] = values is JsonArray array ? Strings(array).ToList() : [values!.ToString()];
            }

            record.Password = (user["credentials"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(c => c["type"]?.GetValue<string>() == "password")
                .Select(c => c["value"]?.GetValue<string>())
                .FirstOrDefault();
            foreach (var role in Strings(user["realmRoles"]))
            {
                record.RoleMappings.Add(RoleRef.Realm(role));
            }

            foreach (var (clientId, roles) in user["clientRoles"] as JsonObject ?? [])
            {
                foreach (var role in Strings(roles))
                {
                    record.RoleMappings.Add(RoleRef.Client(clientId, role));
                }
            }

            realm.Users[record.Id] = record;
        }
    }

    private static IEnumerable<ProtocolMapperDefinition> Mappers(JsonNode? node) =>
        (node as JsonArray ?? []).OfType<JsonObject>().Select(m => new ProtocolMapperDefinition(
            m["name"]?.GetValue<string>() ?? "",
            m["protocolMapper"]?.GetValue<string>() ?? "",
            (m["config"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal)));

    private static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n!.GetValue<string>());

    private static bool? Bool(JsonObject json, string name) => json[name]?.GetValue<bool>();

    private static int? Int(JsonObject json, string name) => json[name]?.GetValue<int>();
}
