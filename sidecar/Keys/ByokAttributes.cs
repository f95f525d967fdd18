using System.Globalization;
using System.Text.Json.Nodes;

namespace ByokGateway.Keys;

/// <summary>
/// The Keycloak attribute layout the Python service wrote and this gateway keeps:
/// <c>byok_&lt;provider&gt;_{key,label,added_date,last_tested,test_status,endpoint}</c>, values as
/// arrays of strings.
/// </summary>
public static class ByokAttributes
{
    public const string Prefix = "byok_";

    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string Key(string provider) => $"{Prefix}{provider}_key";

    public static string Label(string provider) => $"{Prefix}{provider}_label";

    public static string AddedDate(string provider) => $"{Prefix}{provider}_added_date";

    public static string LastTested(string provider) => $"{Prefix}{provider}_last_tested";

    public static string TestStatus(string provider) => $"{Prefix}{provider}_test_status";

    public static string Endpoint(string provider) => $"{Prefix}{provider}_endpoint";

    public static IEnumerable<string> All(string provider) =>
        [Key(provider), Label(provider), AddedDate(provider), LastTested(provider), TestStatus(provider), Endpoint(provider)];

    /// <summary>The provider id of a <c>byok_&lt;p&gt;_key</c> attribute name, or null.</summary>
    public static string? ProviderOfKeyAttribute(string attribute) =>
        attribute.StartsWith(Prefix, StringComparison.Ordinal) && attribute.EndsWith("_key", StringComparison.Ordinal)
            && attribute.Length > Prefix.Length + 4
            && !attribute.AsSpan(Prefix.Length, attribute.Length - Prefix.Length - 4).Contains('_')
            ? attribute[Prefix.Length..^4]
            : null;

    public static string FormatDate(DateTimeOffset value) => value.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>ISO-8601; a value without zone (the Python service's <c>datetime.utcnow().isoformat()</c>) is UTC.</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    /// <summary>Reads a user representation into a record.</summary>
    public static ByokRecord ToRecord(string userId, JsonObject user)
    {
        var attributes = user["attributes"] as JsonObject;
        var keys = new Dictionary<string, StoredKey>(StringComparer.Ordinal);
        if (attributes is not null)
        {
            foreach (var (name, _) in attributes)
            {
                if (ProviderOfKeyAttribute(name) is not { } provider || First(attributes, name) is not { Length: > 0 } ciphertext)
                {
                    continue;
                }

                keys[provider] = new StoredKey(
                    ciphertext,
                    First(attributes, Label(provider)),
                    ParseDate(First(attributes, AddedDate(provider))),
                    ParseDate(First(attributes, LastTested(provider))),
                    First(attributes, TestStatus(provider)),
                    First(attributes, Endpoint(provider)));
            }
        }

        // Keycloak always sends "enabled"; a representation without it counts as enabled, as Keycloak's default.
        var enabled = user["enabled"] is not JsonValue flag || !flag.TryGetValue<bool>(out var value) || value;
        return new ByokRecord(userId, Tiers.Normalize(attributes is null ? null : First(attributes, Tiers.AttributeName)), keys, enabled);
    }

    /// <summary>The first value of an attribute (Keycloak stores arrays; a bare string is tolerated).</summary>
    public static string? First(JsonObject attributes, string name) => attributes[name] switch
    {
        JsonArray { Count: > 0 } array => array[0]?.GetValue<string>(),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => null,
    };
}
