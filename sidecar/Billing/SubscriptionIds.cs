using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ByokGateway.Keycloak;
using Microsoft.Extensions.Options;

namespace ByokGateway.Billing;

/// <summary>
/// A user's Lago <c>external_subscription_id</c>: the Keycloak attribute named by
/// <see cref="LagoOptions.SubscriptionAttribute"/> when set and present on the user, else the user
/// id. Read through the Admin API and cached for a while, since one batch holds many calls of few users.
/// </summary>
public sealed class SubscriptionIds(KeycloakAdminClient keycloak, IOptions<LagoOptions> options, TimeProvider time)
{
    /// <summary>How long a user's subscription id is reused before it is read again (a change in Keycloak applies after this).</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string Id, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The id; throws <see cref="KeycloakUnavailableException"/> (and the other Keycloak errors) when it cannot be read, so the event waits rather than going to the wrong subscription.</summary>
    public async Task<string> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (options.Value.SubscriptionAttribute is not { Length: > 0 } attribute)
        {
            return userId;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue(userId, out var cached) && cached.Until > now)
        {
            return cached.Id;
        }

        // A user deleted since the call has no attribute any more: billed under the user id, the
        // documented fallback, rather than never.
        var user = await keycloak.GetUserAsync(userId, cancellationToken);
        var id = Attribute(user, attribute) ?? userId;
        _cache[userId] = (id, now + CacheDuration);
        return id;
    }

    private static string? Attribute(JsonObject? user, string name) =>
        user?["attributes"] is JsonObject attributes
        && attributes[name] is JsonArray { Count: > 0 } values
        && values[0] is JsonValue value
        && value.TryGetValue<string>(out var text)
        && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;
}
