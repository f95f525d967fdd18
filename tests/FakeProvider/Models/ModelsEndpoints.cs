using FakeProvider.Anthropic;
using FakeProvider.Errors;
using FakeProvider.OpenAi;
using FakeProvider.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FakeProvider.Models;

/// <summary>
/// Model lists: the key test of openai, anthropic, together, mistral, groq, deepseek, custom
/// endpoints and gemini. <c>/v1/models</c> answers in Anthropic's shape when the caller sends
/// <c>anthropic-version</c> (as the Anthropic SDK always does), else in OpenAI's.
/// </summary>
internal static class ModelsEndpoints
{
    private static readonly string[] GeminiGenerationMethods = ["generateContent", "countTokens"];

    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet(ProviderRoutes.Models, ListModels);
        app.MapGet(ProviderRoutes.Model, GetModel);
        app.MapGet(ProviderRoutes.GroqModels, ListModels);
        app.MapGet(ProviderRoutes.CompatibleModels, ListModels);
        app.MapGet(ProviderRoutes.GeminiModels, ListGeminiModels);
        return app;
    }

    private static JsonHttpResult<object> ListModels(HttpRequest request) =>
        ProviderErrors.DialectOf(request) == ProviderDialect.Anthropic
            ? TypedResults.Json(AnthropicShapes.ModelList(ModelCatalog.Ids))
            : TypedResults.Json(OpenAiShapes.ModelList(ModelCatalog.Ids, ModelCatalog.Created));

    // Any id is "available": the fake answers every model name.
    private static JsonHttpResult<object> GetModel(string id, HttpRequest request) =>
        ProviderErrors.DialectOf(request) == ProviderDialect.Anthropic
            ? TypedResults.Json(AnthropicShapes.Model(id))
            : TypedResults.Json(OpenAiShapes.Model(id, ModelCatalog.Created));

    private static JsonHttpResult<object> ListGeminiModels() => TypedResults.Json<object>(new
    {
        models = ModelCatalog.Ids.Select(id => new
        {
            name = "models/" + id,
            version = "001",
            displayName = id,
            description = "A model of the fake provider.",
            inputTokenLimit = 1_048_576,
            outputTokenLimit = 8_192,
            supportedGenerationMethods = GeminiGenerationMethods,
        }).ToArray(),
    });
}
