namespace FakeProvider.Routing;

/// <summary>
/// Every provider route, in one place: endpoints are mapped from these constants and the
/// path-prefix fallback matches against <see cref="All"/>.
/// </summary>
internal static class ProviderRoutes
{
    // OpenAI, and together/mistral whose key test is the same call.
    public const string Models = "/v1/models";
    public const string Model = "/v1/models/{id}";
    public const string ChatCompletions = "/v1/chat/completions";

    // Anthropic (its models list shares Models, told apart by the anthropic-version header).
    public const string AnthropicMessages = "/v1/messages";

    // Key tests of the other catalogue providers, DESIGN.md §6.
    public const string GroqModels = "/openai/v1/models";
    public const string OpenRouterKey = "/api/v1/key";
    public const string GeminiPrefix = "/v1beta";
    public const string GeminiModels = "/v1beta/models";
    public const string CompatibleModels = "/models";
    public const string CohereCheckApiKey = "/v1/check-api-key";
    public const string HuggingFaceWhoAmI = "/api/whoami-v2";

    public static readonly IReadOnlyList<string> All =
    [
        Models, Model, ChatCompletions, AnthropicMessages, GroqModels, OpenRouterKey,
        GeminiModels, CompatibleModels, CohereCheckApiKey, HuggingFaceWhoAmI,
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
