namespace ByokGateway.Keycloak;

/// <summary>The Keycloak endpoints the sidecar calls, relative to the server's base URL.</summary>
internal static class KeycloakRoutes
{
    public static string Discovery(string realm) => $"realms/{Escape(realm)}/.well-known/openid-configuration";

    public static string Token(string realm) => $"realms/{Escape(realm)}/protocol/openid-connect/token";

    public static string User(string realm, string userId) => $"admin/realms/{Escape(realm)}/users/{Escape(userId)}";

    public static string Users(string realm, int first, int max) =>
        $"admin/realms/{Escape(realm)}/users?first={first}&max={max}&briefRepresentation=false";

    public static string UsersCount(string realm) => $"admin/realms/{Escape(realm)}/users/count";

    public static string UserProfile(string realm) => $"admin/realms/{Escape(realm)}/users/profile";

    /// <summary>
    /// Admin events of users and components (key providers are components), oldest first from
    /// <paramref name="fromMillis"/> on (inclusive; Keycloak 26.2+ takes epoch milliseconds), or with null the newest one.
    /// </summary>
    public static string AdminEvents(string realm, long? fromMillis, int first, int max) => fromMillis is { } from
        ? $"admin/realms/{Escape(realm)}/admin-events?resourceTypes=USER&resourceTypes=COMPONENT&dateFrom={from}&direction=asc&first={first}&max={max}"
        : $"admin/realms/{Escape(realm)}/admin-events?resourceTypes=USER&resourceTypes=COMPONENT&direction=desc&first=0&max=1";

    public static string EventsConfig(string realm) => $"admin/realms/{Escape(realm)}/events/config";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
