using ByokGateway.Keys;
using ByokGateway.Proxy;
using Microsoft.Extensions.Options;

namespace ByokGateway.Limits;

/// <summary>
/// The configured limits as a table by tier and key source, read once: looking up a call's
/// limits is two array indexes. A tier the gateway does not know counts as the lowest one, as
/// everywhere else (<see cref="Tiers.Rank"/>).
/// </summary>
public sealed class LimitPolicy
{
    private readonly SourceLimits?[] _system;
    private readonly SourceLimits?[] _byok;

    public LimitPolicy(IOptions<LimitsOptions> options)
    {
        _system = new SourceLimits?[Tiers.Ordered.Count];
        _byok = new SourceLimits?[Tiers.Ordered.Count];
        foreach (var (tier, limits) in options.Value.Tiers)
        {
            var rank = Tiers.Rank(tier);
            _system[rank] = limits?.System is { Any: true } system ? system : null;
            _byok[rank] = limits?.Byok is { Any: true } byok ? byok : null;
        }
    }

    /// <summary>The limits of calls of this tier on this key source; null when nothing is limited.</summary>
    public SourceLimits? Find(string? tier, KeySource source) =>
        (source == KeySource.System ? _system : _byok)[Tiers.Rank(tier)];
}
