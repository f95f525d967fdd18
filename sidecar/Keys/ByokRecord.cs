namespace ByokGateway.Keys;

/// <summary>
/// What the gateway knows about one user: tier and stored keys (ciphertext only). This is what
/// the cache holds; plaintext keys exist only while one request uses them. <see cref="Enabled"/>
/// is the Keycloak user's own flag: a disabled user is refused on every route (DESIGN.md §8).
/// </summary>
public sealed record ByokRecord(string UserId, string Tier, IReadOnlyDictionary<string, StoredKey> Keys, bool Enabled = true)
{
    /// <summary>The user's gateway keys (hashes only), oldest first; at most a few dozen, so lists are searched.</summary>
    public IReadOnlyList<StoredGatewayKey> GatewayKeys { get; init; } = [];

    public StoredKey? Find(string provider) => Keys.GetValueOrDefault(provider);

    public StoredGatewayKey? FindGatewayKey(string id)
    {
        foreach (var key in GatewayKeys)
        {
            if (string.Equals(key.Id, id, StringComparison.Ordinal))
            {
                return key;
            }
        }

        return null;
    }
}
