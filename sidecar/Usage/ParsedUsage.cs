namespace ByokGateway.Usage;

/// <summary>What a response said about its usage; token counts all null when it said nothing usable.</summary>
internal readonly record struct ParsedUsage(string? Model, long? InputTokens, long? OutputTokens, long? CachedTokens)
{
    public bool Known => InputTokens is not null;
}
