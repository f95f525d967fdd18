namespace KeycloakEmulator.Tokens;

/// <summary>A login session: what refresh tokens point at (their <c>sid</c>).</summary>
internal sealed class UserSession
{
    public required string Id { get; init; }

    public required string Realm { get; init; }

    public required string UserId { get; init; }

    public required string ClientId { get; init; }

    public required string Scope { get; init; }

    public required DateTimeOffset Started { get; init; }

    public DateTimeOffset LastRefresh { get; set; }
}
