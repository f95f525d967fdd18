using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>
/// Who calls the Admin API and what they may do in the target realm (Keycloak's AdminAuth + RealmsPermissionEvaluator):
/// realm-management roles of the token's own realm, or the master realm's <c>admin</c> role for every realm.
/// </summary>
internal sealed class AdminIdentity(RealmState tokenRealm, ClientDefinition client, UserRecord user, HashSet<RoleRef> roles)
{
    public RealmState TokenRealm { get; } = tokenRealm;

    /// <summary>The client the token was issued to (<c>azp</c>).</summary>
    public ClientDefinition Client { get; } = client;

    public UserRecord User { get; } = user;

    private bool IsMasterAdmin => TokenRealm.Name == StockRealmContent.MasterRealm && roles.Contains(RoleRef.Realm(StockRealmContent.MasterAdminRole));

    private bool Has(RealmState target, params string[] anyOf) =>
        IsMasterAdmin || (target.Name == TokenRealm.Name && anyOf.Any(r => roles.Contains(RoleRef.Client(StockRealmContent.RealmManagement, r))));

    public bool CanQueryUsers(RealmState target) => Has(target, "query-users", "view-users", "manage-users");

    public bool CanViewUsers(RealmState target) => Has(target, "view-users", "manage-users");

    public bool CanManageUsers(RealmState target) => Has(target, "manage-users");

    public bool CanManageRealm(RealmState target) => Has(target, "manage-realm");

    /// <summary>RealmPermissions.canViewEvents: view-events or manage-events.</summary>
    public bool CanViewEvents(RealmState target) => Has(target, "view-events", "manage-events");

    public bool CanManageEvents(RealmState target) => Has(target, "manage-events");

    public bool CanImpersonate(RealmState target) => Has(target, "impersonation");

    public bool HasAnyAdminRole(RealmState target) =>
        IsMasterAdmin || (target.Name == TokenRealm.Name && roles.Any(r => r.ClientId == StockRealmContent.RealmManagement));
}
