using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ByokGateway.Keys;

/// <summary>
/// The Keycloak attribute layout the Python service wrote and this gateway keeps:
/// <c>byok_&lt;provider&gt;_{key,label,added_date,last_tested,test_status,endpoint}</c>, values as
/// arrays of strings. Gateway keys (DESIGN.md §10) add one attribute per key,
/// <c>byok_gk_&lt;id&gt;</c>, whose value is a small JSON object (hash, name, preview, dates):
/// one attribute per key keeps each write of a key atomic and far below Keycloak's 2048-character
/// limit, and a name without the <c>_key</c> ending is never taken for a provider's key.
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

    /// <summary>Attribute names of gateway keys start with this; the rest is the key's id.</summary>
    public const string GatewayKeyPrefix = Prefix + "gk_";

    /// <summary>Gateway key ids are 16 lowercase hex digits (64 random bits).</summary>
    public const int GatewayKeyIdLength = 16;

    public static string GatewayKey(string id) => GatewayKeyPrefix + id;

    /// <summary>True for a well-formed gateway key id (what <see cref="GatewayKey"/> accepts).</summary>
    public static bool IsGatewayKeyId(string? id) =>
        id is { Length: GatewayKeyIdLength } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>The gateway key id of a <c>byok_gk_&lt;id&gt;</c> attribute name, or null.</summary>
    public static string? GatewayKeyIdOfAttribute(string attribute) =>
        attribute.StartsWith(GatewayKeyPrefix, StringComparison.Ordinal) && IsGatewayKeyId(attribute[GatewayKeyPrefix.Length..])
            ? attribute[GatewayKeyPrefix.Length..]
            : null;

    /// <summary>The attribute value of a gateway key: JSON with the hash, never the key.</summary>
    public static string FormatGatewayKey(StoredGatewayKey key)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sha256", Convert.ToHexStringLower(key.SecretHash));
            json.WriteString("name", key.Name);
            json.WriteString("preview", key.Preview);
            json.WriteString("created", FormatDate(key.Created));
            json.WriteString("expires", FormatDate(key.Expires));
            if (key.LastUsed is { } day)
            {
                json.WriteString("last_used", FormatDay(day));
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a gateway key attribute; null when the value is not one (e.g. edited by hand), so it is ignored.</summary>
    public static StoredGatewayKey? ParseGatewayKey(string id, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "sha256") is not { Length: 64 } hex
                || Text(root, "name") is not { Length: > 0 } name
                || Text(root, "preview") is not { } preview
                || ParseDate(Text(root, "created")) is not { } created
                || ParseDate(Text(root, "expires")) is not { } expires)
            {
                return null;
            }

            DateOnly? lastUsed = DateOnly.TryParseExact(Text(root, "last_used"), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
            return new StoredGatewayKey(id, Convert.FromHexString(hex), name, preview, created, expires, lastUsed);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private const string DayFormat = "yyyy-MM-dd";

    /// <summary>A UTC day as the API and the attributes show it: <c>2026-11-26</c>.</summary>
    public static string FormatDay(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

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
        var gatewayKeys = new List<StoredGatewayKey>();
        if (attributes is not null)
        {
            foreach (var (name, _) in attributes)
            {
                if (GatewayKeyIdOfAttribute(name) is { } gatewayKeyId)
                {
                    if (ParseGatewayKey(gatewayKeyId, First(attributes, name)) is { } gatewayKey)
                    {
                        gatewayKeys.Add(gatewayKey);
                    }

                    continue;
                }

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
        return new ByokRecord(userId, Tiers.Normalize(attributes is null ? null : First(attributes, Tiers.AttributeName)), keys, enabled)
        {
            GatewayKeys = [.. gatewayKeys.OrderBy(k => k.Created).ThenBy(k => k.Id, StringComparer.Ordinal)],
        };
    }

    /// <summary>The first value of an attribute (Keycloak stores arrays; a bare string is tolerated).</summary>
    public static string? First(JsonObject attributes, string name) => attributes[name] switch
    {
        JsonArray { Count: > 0 } array => array[0]?.GetValue<string>(),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => null,
    };
}
