namespace FakeProvider.Errors;

/// <summary>Whose error body shape a request gets.</summary>
internal enum ProviderDialect
{
    OpenAi,
    Anthropic,
    Gemini,
}
