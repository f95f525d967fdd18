using FakeProvider.Compat;

namespace FakeProvider.Routing;

/// <summary>
/// Every provider route, in one place: endpoints are mapped from these constants and from
/// <see cref="CompatMounts"/> (each provider's OpenAI-compatible API: chat completions,
/// completions, embeddings, models), and the path-prefix fallback matches against <see cref="All"/>.
/// </summary>
internal static class ProviderRoutes
{
    // Anthropic (its models list is the /v1 mount's, told apart by the anthropic-version header).
    public const string AnthropicMessages = "/v1/messages";

    // Key tests of the other catalogue providers, DESIGN.md §6.
    public const string OpenRouterKey = "/api/v1/key";
    public const string GeminiPrefix = "/v1beta";
    public const string GeminiModels = "/v1beta/models";
    public const string CohereCheckApiKey = "/v1/check-api-key";
    public const string HuggingFaceWhoAmI = "/api/whoami-v2";

    public static readonly IReadOnlyList<string> All =
    [
        .. CompatMounts.Routes, AnthropicMessages, OpenRouterKey, GeminiModels, CohereCheckApiKey, HuggingFaceWhoAmI,
    ];

    /// <summary>Whether <paramref name="path"/> is one of the routes, <c>{x}</c> standing for one segment.</summary>
    public static bool Matches(string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var route in All)
        {
            var routeSegments = route.Trim('/').Split('/');
            if (routeSegments.Length == segments.Length && routeSegments.Zip(segments).All(SegmentMatches))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SegmentMatches((string Route, string Path) pair) =>
        pair.Route.StartsWith('{')
            ? pair.Path.Length > 0
            : string.Equals(pair.Route, pair.Path, StringComparison.OrdinalIgnoreCase);
}
