using FakeProvider.Anthropic;
using FakeProvider.Compat;
using FakeProvider.Errors;
using FakeProvider.OpenAi;
using FakeProvider.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FakeProvider.Models;

/// <summary>
/// Model lists: <c>GET {mount}/models</c> on every OpenAI-compatible mount (the key test of openai,
/// anthropic, together, mistral, groq, deepseek and custom endpoints, and what the gateway's
/// <c>/v1/models</c> merges), plus gemini's native <c>/v1beta/models</c>. Each mount lists its own
/// model first (<c>groq-model</c> on groq's), so a test sees whose list it got. <c>/v1/models</c>
/// answers in Anthropic's shape, listing <c>anthropic-model</c> first, when the caller sends
/// <c>anthropic-version</c> (as the Anthropic SDK and the gateway always do for anthropic).
/// </summary>
internal static class ModelsEndpoints
{
    private static readonly string[] GeminiGenerationMethods = ["generateContent", "countTokens"];

    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        foreach (var mount in CompatMounts.All)
        {
            app.MapGet(mount.Base + CompatMounts.Models, (HttpContext context) => ListModels(context, mount));
            app.MapGet(mount.Base + CompatMounts.Model, (string id, HttpContext context) => GetModel(id, context, mount));
        }

        app.MapGet(ProviderRoutes.GeminiModels, ListGeminiModels);
        return app;
    }

    private static JsonHttpResult<object> ListModels(HttpContext context, CompatMount mount)
    {
        if (ProviderErrors.DialectOf(context.Request) == ProviderDialect.Anthropic)
        {
            context.Response.Headers[CompatMount.Header] = "anthropic";
            return TypedResults.Json(AnthropicShapes.ModelList(ModelCatalog.IdsFor("anthropic")));
        }

        context.Response.Headers[CompatMount.Header] = mount.Name;
        return TypedResults.Json(OpenAiShapes.ModelList(ModelCatalog.IdsFor(mount.Name), ModelCatalog.Created));
    }

    // Any id is "available": the fake answers every model name.
    private static JsonHttpResult<object> GetModel(string id, HttpContext context, CompatMount mount)
    {
        context.Response.Headers[CompatMount.Header] = mount.Name;
        return ProviderErrors.DialectOf(context.Request) == ProviderDialect.Anthropic
            ? TypedResults.Json(AnthropicShapes.Model(id))
            : TypedResults.Json(OpenAiShapes.Model(id, ModelCatalog.Created));
    }

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
