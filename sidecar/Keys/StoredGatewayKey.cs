namespace ByokGateway.Keys;

/// <summary>
/// One gateway key in a user's record (DESIGN.md §10). <see cref="SecretHash"/> is the SHA-256 of
/// the key's 256-bit secret; the key itself is never stored. <see cref="Preview"/> shows only the
/// prefix and the last 4 characters (part of the checksum), so the user can tell keys apart.
/// <see cref="LastUsed"/> is a UTC day, written at most once a day.
/// </summary>
public sealed record StoredGatewayKey(
    string Id,
    byte[] SecretHash,
    string Name,
    string Preview,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    DateOnly? LastUsed);
