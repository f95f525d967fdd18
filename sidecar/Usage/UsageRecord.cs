namespace ByokGateway.Usage;

/// <summary>
/// One proxied call as metered (DESIGN.md §12), handed to every <see cref="IUsageSink"/> when the
/// call ends: the ledger stores it, the limits count its tokens, the metrics add it up. Token
/// counts are <c>null</c> when the response did not say (no usage block, a stream cut off before
/// its usage chunk, numbers that are negative or absurd): unknown, never guessed.
/// </summary>
public sealed record UsageRecord
{
    /// <summary>Unique per call (a version-7 UUID, so ids sort by time); Lago's <c>transaction_id</c>.</summary>
    public required Guid Id { get; init; }

    /// <summary>When the call reached the gateway.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string UserId { get; init; }

    /// <summary>The user's tier when the call was made.</summary>
    public required string Tier { get; init; }

    public required string Provider { get; init; }

    /// <summary>The model as the provider named it in its answer (else as the request named it); null when unknown.</summary>
    public string? Model { get; init; }

    /// <summary><c>byok</c> or <c>system</c>.</summary>
    public required string KeySource { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary>Input tokens the provider served from its prompt cache (part of <see cref="InputTokens"/> for OpenAI, reported apart by Anthropic).</summary>
    public long? CachedTokens { get; init; }

    /// <summary>
    /// For a successful call whose usage is unknown: an estimate from the bytes exchanged, which token
    /// budgets charge instead of nothing (the ledger and billing keep the usage unknown); else null.
    /// </summary>
    public long? EstimatedTokens { get; init; }

    /// <summary>The HTTP status the client received.</summary>
    public required int Status { get; init; }

    public required double DurationMs { get; init; }

    /// <summary>Time from the call's arrival to the first response byte sent to the client; null when nothing was sent.</summary>
    public double? TimeToFirstByteMs { get; init; }
}
