using System.Collections.Frozen;
using ByokGateway.Providers;
using Microsoft.Extensions.Options;

namespace ByokGateway.Unified;

/// <summary>
/// Picks the provider of a <c>model</c> value: a catalogue id before the first '/' (the prefix
/// is cut, the rest is the provider's own name, slashes and all: <c>together/meta-llama/Llama-3</c>);
/// else the first rule whose pattern matches the whole name (the name is forwarded unchanged).
/// </summary>
public sealed class ModelRouter
{
    // Looked up by the span before the '/', so routing a call allocates no prefix string.
    private readonly FrozenDictionary<string, Provider>.AlternateLookup<ReadOnlySpan<char>> _byPrefix;
    private readonly (ModelPattern Pattern, Provider Provider)[] _rules;

    public ModelRouter(ProviderCatalog catalog, IOptions<UnifiedOptions> options)
    {
        _byPrefix = catalog.All.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var rules = new List<(ModelPattern, Provider)>();
        foreach (var rule in options.Value.Rules)
        {
            // Rules naming unknown providers are refused at start-up (UnifiedOptionsValidator).
            if (catalog.TryGet(rule.Provider, out var provider))
            {
                rules.Add((new ModelPattern(rule.Pattern), provider));
            }
        }

        _rules = [.. rules];
    }

    internal ModelRoute Route(string model)
    {
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && _byPrefix.TryGetValue(model.AsSpan(0, slash), out var provider))
        {
            return slash == model.Length - 1
                ? new ModelRoute(ModelRouteOutcome.EmptyModel, provider, slash + 1, null)
                : ModelRoute.To(provider, slash + 1);
        }

        foreach (var (pattern, ruled) in _rules)
        {
            if (pattern.Matches(model))
            {
                return ModelRoute.To(ruled, 0);
            }
        }

        return slash > 0
            ? new ModelRoute(ModelRouteOutcome.UnknownProvider, null, 0, model[..slash])
            : new ModelRoute(ModelRouteOutcome.NoProvider, null, 0, null);
    }
}
