using System.Text.Json.Nodes;

namespace ByokGateway.Keys;

/// <summary>
/// Changes to one user's <c>byok_*</c> attributes inside a read-modify-write. It edits the full
/// representation in place (so the PUT carries everything else unchanged) and remembers what it
/// wrote, so the store can confirm Keycloak really kept it.
/// </summary>
public sealed class ByokAttributeEditor
{
    private readonly JsonObject _attributes;
    private readonly Dictionary<string, string?> _expected = new(StringComparer.Ordinal);

    internal ByokAttributeEditor(JsonObject user)
    {
        if (user["attributes"] is not JsonObject attributes)
        {
            attributes = [];
            user["attributes"] = attributes;
        }

        _attributes = attributes;
    }

    internal IReadOnlyDictionary<string, string?> Expected => _expected;

    public bool HasChanges => _expected.Count > 0;

    public void StoreKey(string provider, string ciphertext, string? label, string? endpoint, DateTimeOffset now)
    {
        Set(ByokAttributes.Key(provider), ciphertext);
        Set(ByokAttributes.Label(provider), string.IsNullOrEmpty(label) ? null : label);
        Set(ByokAttributes.AddedDate(provider), ByokAttributes.FormatDate(now));
        Set(ByokAttributes.Endpoint(provider), endpoint);

        // A replaced key has not been tested yet: old results would describe a different key.
        Set(ByokAttributes.LastTested(provider), null);
        Set(ByokAttributes.TestStatus(provider), null);
    }

    public void RemoveKey(string provider)
    {
        foreach (var name in ByokAttributes.All(provider))
        {
            Set(name, null);
        }
    }

    public void StoreTestResult(string provider, string status, DateTimeOffset now)
    {
        Set(ByokAttributes.LastTested(provider), ByokAttributes.FormatDate(now));
        Set(ByokAttributes.TestStatus(provider), status);
    }

    /// <summary>Adds a gateway key or replaces its entry (e.g. its <c>last_used</c> day).</summary>
    public void StoreGatewayKey(StoredGatewayKey key) => Set(ByokAttributes.GatewayKey(key.Id), ByokAttributes.FormatGatewayKey(key));

    public void RemoveGatewayKey(string id) => Set(ByokAttributes.GatewayKey(id), null);

    /// <summary>Replaces one ciphertext (key rotation), leaving every other attribute alone.</summary>
    public void ReplaceCiphertext(string provider, string ciphertext) => Set(ByokAttributes.Key(provider), ciphertext);

    private void Set(string name, string? value)
    {
        if (value is null)
        {
            _attributes.Remove(name);
        }
        else
        {
            _attributes[name] = new JsonArray(value);
        }

        _expected[name] = value;
    }

    /// <summary>True when <paramref name="user"/> (as re-read from Keycloak) shows every change.</summary>
    internal bool IsReflectedIn(JsonObject user)
    {
        var attributes = user["attributes"] as JsonObject;
        foreach (var (name, value) in _expected)
        {
            var actual = attributes is null ? null : ByokAttributes.First(attributes, name);
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
