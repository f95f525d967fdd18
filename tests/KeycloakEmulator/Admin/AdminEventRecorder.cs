using System.Text.Json.Nodes;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>
/// AdminEventBuilder.send: stores an event when the realm has admin events enabled, with the representation only
/// when <c>adminEventsDetailsEnabled</c> is on. Callers hold the realm's <see cref="RealmState.Gate"/>.
/// </summary>
internal static class AdminEventRecorder
{
    private const string SecretValue = "**********";

    public static void Record(HttpContext context, RealmState realm, AdminIdentity caller, string operation, string resourceType, string resourcePath, JsonNode? representation = null) =>
        Record(context.RequestServices.GetRequiredService<TimeProvider>(), realm, AuthDetailsOf(context, caller), operation, resourceType, resourcePath, representation);

    public static void Record(TimeProvider time, RealmState realm, AdminEventAuthDetails auth, string operation, string resourceType, string resourcePath, JsonNode? representation = null, bool force = false)
    {
        if (!realm.Settings.AdminEventsEnabled && !force)
        {
            return;
        }

        var stored = realm.Settings.AdminEventsDetailsEnabled && representation is not null ? StripSecrets(representation).ToJsonString() : null;
        realm.AdminEvents.Add(new AdminEventRecord(
            Guid.NewGuid().ToString(), time.GetUtcNow().ToUnixTimeMilliseconds(), realm.Id, auth, operation, resourceType, resourcePath, stored));
    }

    public static AdminEventAuthDetails AuthDetailsOf(HttpContext context, AdminIdentity caller) =>
        new(caller.TokenRealm.Id, caller.Client.Id, caller.User.Id, context.Connection.RemoteIpAddress?.ToString());

    /// <summary>StripSecretsUtils: credential values never reach the event store.</summary>
    private static JsonNode StripSecrets(JsonNode representation)
    {
        var copy = representation.DeepClone();
        foreach (var credential in (copy["credentials"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (credential["value"] is not null)
            {
                credential["value"] = SecretValue;
            }
        }

        return copy;
    }
}
