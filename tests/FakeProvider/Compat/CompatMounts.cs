namespace FakeProvider.Compat;

/// <summary>The OpenAI-compatible mounts of the catalogue's providers (the gateway's <c>Providers:*:OpenAiPath</c>).</summary>
internal static class CompatMounts
{
    public static readonly CompatMount OpenAi = new("openai", "/v1", "openai, anthropic, mistral, together, huggingface");
    public static readonly CompatMount Groq = new("groq", "/openai/v1", "groq");
    public static readonly CompatMount Gemini = new("gemini", "/v1beta/openai", "gemini");
    public static readonly CompatMount OpenRouter = new("openrouter", "/api/v1", "openrouter");
    public static readonly CompatMount Cohere = new("cohere", "/compatibility/v1", "cohere");
    public static readonly CompatMount Root = new("root", "", "deepseek, perplexity, custom endpoints");

    public static readonly IReadOnlyList<CompatMount> All = [OpenAi, Groq, Gemini, OpenRouter, Cohere, Root];

    public const string ChatCompletions = "/chat/completions";
    public const string Completions = "/completions";
    public const string Embeddings = "/embeddings";
    public const string Models = "/models";
    public const string Model = "/models/{id}";

    /// <summary>Every compat route, for the path-prefix fallback.</summary>
    public static IEnumerable<string> Routes =>
        All.SelectMany(m => new[] { ChatCompletions, Completions, Embeddings, Models, Model }.Select(r => m.Base + r));
}
