using System.Collections.Frozen;

namespace ByokGateway.Providers;

/// <summary>A validated catalogue entry.</summary>
public sealed record Provider(
    string Id,
    string Name,
    string? KeyPrefix,
    Uri? BaseUrl,
    ProviderAuth Auth,
    FrozenDictionary<string, string> Headers,
    ProviderTestOptions Test,
    string? SystemKeyEnv,
    bool UserEndpoint,
    int Order)
{
    /// <summary>The header name the provider reads its key from.</summary>
    public string AuthHeaderName => Auth switch
    {
        ProviderAuth.XApiKey => "x-api-key",
        ProviderAuth.XGoogApiKey => "x-goog-api-key",
        ProviderAuth.ApiKey => "api-key",
        _ => "Authorization",
    };

    /// <summary>
    /// Path of the OpenAI-compatible API under the base URL, without a trailing slash (<c>/v1</c>,
    /// <c>""</c> for the root); null when the provider is not reachable through <c>/v1</c>.
    /// </summary>
    public string? OpenAiPath { get; init; }

    /// <summary>How <c>GET /v1/models</c> lists this provider's models; null when it cannot.</summary>
    public ProviderModelList? ModelList { get; init; }

    /// <summary>The header value carrying <paramref name="key"/>.</summary>
    public string AuthHeaderValue(string key) => Auth == ProviderAuth.Bearer ? "Bearer " + key : key;
}
