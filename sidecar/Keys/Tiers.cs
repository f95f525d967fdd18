namespace ByokGateway.Keys;

/// <summary>
/// Subscription tiers, lowest first. A missing or unknown tier counts as the lowest, so a typo in
/// an admin-set attribute can only ever take rights away.
/// </summary>
public static class Tiers
{
    public const string AttributeName = "subscription_tier";

    public static IReadOnlyList<string> Ordered { get; } = ["free", "trial", "starter", "professional", "enterprise"];

    public static int Rank(string? tier)
    {
        if (tier is null)
        {
            return 0;
        }

        for (var i = 0; i < Ordered.Count; i++)
        {
            if (string.Equals(Ordered[i], tier, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return 0;
    }

    public static bool IsKnown(string? tier) => tier is not null && Ordered.Contains(tier, StringComparer.OrdinalIgnoreCase);

    public static bool Satisfies(string? tier, string required) => Rank(tier) >= Rank(required);

    /// <summary>The tier as stored, or <c>free</c> when absent or unknown.</summary>
    public static string Normalize(string? tier) => IsKnown(tier) ? tier!.ToLowerInvariant() : Ordered[0];
}
