namespace ByokGateway.Providers;

/// <summary>Where a provider expects its key.</summary>
public enum ProviderAuth
{
    /// <summary><c>Authorization: Bearer &lt;key&gt;</c></summary>
    Bearer,

    /// <summary><c>x-api-key: &lt;key&gt;</c> (Anthropic)</summary>
    XApiKey,

    /// <summary><c>x-goog-api-key: &lt;key&gt;</c> (Gemini)</summary>
    XGoogApiKey,

    /// <summary><c>api-key: &lt;key&gt;</c> (Azure OpenAI)</summary>
    ApiKey,
}
