namespace KeycloakEmulator.Tokens;

internal sealed class DeviceAuthorization
{
    public required string DeviceCode { get; init; }

    public required string UserCode { get; init; }

    public required string Realm { get; init; }

    public required string ClientId { get; init; }

    public required string? Scope { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required int IntervalSeconds { get; init; }

    public DateTimeOffset? LastPoll { get; set; }

    public string? ApprovedUserId { get; set; }

    public bool Denied { get; set; }
}
