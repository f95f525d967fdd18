namespace ByokGateway.Keys;

/// <summary>
/// What the gateway knows about one user: tier and stored keys (ciphertext only). This is what
/// the cache holds; plaintext keys exist only while one request uses them.
/// </summary>
public sealed record ByokRecord(string UserId, string Tier, IReadOnlyDictionary<string, StoredKey> Keys)
{
    public StoredKey? Find(string provider) => Keys.GetValueOrDefault(provider);
}
