namespace ByokGateway.Limits;

/// <summary>
/// The limits of one tier for one key source. Each one unset (or set to an empty value) is unlimited.
/// Tokens are input plus output tokens as the provider reported them.
/// </summary>
public sealed class SourceLimits
{
    /// <summary>Calls per UTC clock minute (a fixed window).</summary>
    public long? RequestsPerMinute { get; set; }

    /// <summary>Tokens per UTC day; the call that crosses it completes, the next one is refused.</summary>
    public long? TokensPerDay { get; set; }

    /// <summary>Tokens per UTC calendar month; like <see cref="TokensPerDay"/>.</summary>
    public long? TokensPerMonth { get; set; }

    public bool Any => RequestsPerMinute is not null || TokensPerDay is not null || TokensPerMonth is not null;

    public bool CountsTokens => TokensPerDay is not null || TokensPerMonth is not null;
}
