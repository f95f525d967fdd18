namespace ByokGateway.Unified;

/// <summary>One rule for model names without a provider prefix: <see cref="Pattern"/> (<c>*</c> matches any run of characters) → <see cref="Provider"/>.</summary>
public sealed class UnifiedRule
{
    public string Pattern { get; set; } = string.Empty;

    /// <summary>A catalogue provider id with an <c>OpenAiPath</c>.</summary>
    public string Provider { get; set; } = string.Empty;
}
