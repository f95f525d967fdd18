namespace ByokGateway.Keys;

/// <summary>One provider's entry in a user's record. <see cref="Ciphertext"/> is a Fernet token, never plaintext.</summary>
public sealed record StoredKey(
    string Ciphertext,
    string? Label,
    DateTimeOffset? AddedDate,
    DateTimeOffset? LastTested,
    string? TestStatus,
    string? Endpoint);
