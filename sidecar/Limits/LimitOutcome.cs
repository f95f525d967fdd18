namespace ByokGateway.Limits;

public enum LimitOutcome
{
    /// <summary>Within every limit; the call was counted.</summary>
    Allowed = 0,

    /// <summary>The requests-per-minute limit is reached.</summary>
    RequestsExceeded = 1,

    /// <summary>A token budget (day or month) is spent.</summary>
    TokensExhausted = 2,
}
