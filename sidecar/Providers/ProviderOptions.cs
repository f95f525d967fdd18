namespace ByokGateway.Providers;

/// <summary>One entry of the provider catalogue (configuration section <c>Providers:&lt;id&gt;</c>).</summary>
public sealed class ProviderOptions
{
    /// <summary>Display name, e.g. "OpenAI".</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Prefix every key of this provider starts with, or null when keys have no fixed shape.</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>Upstream base URL. Empty for providers whose URL each user supplies (<see cref="UserEndpoint"/>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>How the key is sent upstream: <c>bearer</c>, <c>x-api-key</c>, <c>x-goog-api-key</c> or <c>api-key</c>.</summary>
    public string Auth { get; set; } = "bearer";

    /// <summary>Fixed headers added to every upstream request (e.g. <c>anthropic-version</c>).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>The cheapest request that proves a key authenticates.</summary>
    public ProviderTestOptions Test { get; set; } = new();

    /// <summary>Environment variable holding the operator's fallback key for this provider.</summary>
    public string? SystemKeyEnv { get; set; }

    /// <summary>True when each user supplies the base URL (<c>custom</c>); such providers never get a system key.</summary>
    public bool UserEndpoint { get; set; }

    /// <summary>False removes the provider from the catalogue without deleting its entry.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Position in listings; lower first.</summary>
    public int Order { get; set; } = 1000;

    /// <summary>
    /// Path of the provider's OpenAI-compatible API under <see cref="BaseUrl"/> (for user-endpoint
    /// providers: under the user's endpoint), e.g. <c>/v1</c> or <c>/openai/v1</c>; <c>/</c> when it
    /// is the root. Unset or empty: the provider is not reachable through the unified <c>/v1</c> endpoint.
    /// </summary>
    public string? OpenAiPath { get; set; }

    /// <summary>Where and in which shape the unified <c>GET /v1/models</c> finds this provider's models.</summary>
    public ProviderModelListOptions ModelList { get; set; } = new();
}

/// <summary>The key-test request of a provider.</summary>
public sealed class ProviderTestOptions
{
    public string Method { get; set; } = "GET";

    /// <summary>Path appended to the base URL (the provider's, the user's endpoint, or <see cref="BaseUrl"/>).</summary>
    public string Path { get; set; } = "/v1/models";

    /// <summary>Optional JSON body.</summary>
    public string? Body { get; set; }

    /// <summary>A different host for the test (Hugging Face tests on huggingface.co, not the router).</summary>
    public Uri? BaseUrl { get; set; }
}
