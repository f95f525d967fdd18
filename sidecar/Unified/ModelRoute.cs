using ByokGateway.Providers;

namespace ByokGateway.Unified;

/// <summary>
/// Where a <c>model</c> value points: the provider and how many leading characters (its
/// <c>&lt;provider&gt;/</c> prefix) to cut; or why it points nowhere.
/// </summary>
internal readonly record struct ModelRoute(ModelRouteOutcome Outcome, Provider? Provider, int PrefixLength, string? Prefix)
{
    public static ModelRoute To(Provider provider, int prefixLength) => new(ModelRouteOutcome.Provider, provider, prefixLength, null);
}

internal enum ModelRouteOutcome
{
    /// <summary><see cref="ModelRoute.Provider"/> serves the model.</summary>
    Provider,

    /// <summary>No prefix and no rule matched.</summary>
    NoProvider,

    /// <summary>The part before the first '/' is not a catalogue provider (and no rule matched the whole name).</summary>
    UnknownProvider,

    /// <summary>A provider prefix with nothing after it (<c>groq/</c>).</summary>
    EmptyModel,
}
