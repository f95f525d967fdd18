namespace ByokGateway.Observability;

/// <summary>
/// One audit event (DESIGN.md §12): who did what to which provider's key or gateway key, or which
/// call a limit refused. Never carries a key, a token or a ciphertext.
/// </summary>
/// <param name="Id">Unique per event (version-7 UUID).</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="UserId">The user concerned (Keycloak id).</param>
/// <param name="Action">One of the <see cref="AuditActions"/> names.</param>
/// <param name="Provider">The provider concerned, if any.</param>
/// <param name="Detail">A short, secret-free detail: a test result, a gateway key id, the limit that refused.</param>
public sealed record AuditEvent(Guid Id, DateTimeOffset Timestamp, string UserId, string Action, string? Provider, string? Detail);
