namespace ByokGateway.Unified;

/// <summary>The paths of the unified OpenAI-compatible endpoint, in one place.</summary>
public static class UnifiedRoutes
{
    public const string Base = "/v1";
    public const string Models = Base + "/models";

    /// <summary>Model ids contain slashes (<c>together/meta-llama/Llama-3.3-70B</c>): a catch-all.</summary>
    public const string Model = Base + "/models/{**id}";

    /// <summary>POST calls forwarded to the provider's <c>OpenAiPath</c> + the same suffix.</summary>
    public static readonly IReadOnlyList<string> ForwardedSuffixes = ["/chat/completions", "/completions", "/embeddings"];

    /// <summary>YARP route metadata marking a unified route; its value is the suffix.</summary>
    public const string RouteMetadata = "byok-unified";

    public const string ClusterId = "byok-unified";
}
