using System.Runtime.InteropServices;
using FakeProvider.Chat;
using FakeProvider.Errors;
using FakeProvider.OpenAi;

namespace FakeProvider.Compat;

/// <summary>
/// The rest of each OpenAI-compatible mount: legacy <c>POST {mount}/completions</c> (streaming and
/// not) and <c>POST {mount}/embeddings</c> (float or base64, as the OpenAI SDKs ask by default).
/// Chat completions are <see cref="OpenAiEndpoints"/>, model lists <c>ModelsEndpoints</c>.
/// </summary>
internal static class CompatEndpoints
{
    /// <summary>Length of every fake embedding vector.</summary>
    public const int Dimensions = 8;

    public static IEndpointRouteBuilder MapCompat(this IEndpointRouteBuilder app)
    {
        foreach (var mount in CompatMounts.All)
        {
            app.MapPost(mount.Base + CompatMounts.Completions, (HttpContext context, TimeProvider time) => CompletionsAsync(context, time, mount));
            app.MapPost(mount.Base + CompatMounts.Embeddings, (Func<HttpContext, Task<IResult>>)(context => EmbeddingsAsync(context, mount)));
        }

        return app;
    }

    private static async Task<IResult> CompletionsAsync(HttpContext context, TimeProvider time, CompatMount mount)
    {
        context.Response.Headers[CompatMount.Header] = mount.Name;
        var body = await ChatRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        if (!CompatRequest.TryParse(body, "prompt", out var request, out var error))
        {
            return ProviderErrors.InvalidRequest(ProviderDialect.OpenAi, error);
        }

        if (ModelSwitch.Parse(request.Model) is { Kind: ModelSwitchKind.Status } behaviour)
        {
            return ProviderErrors.FakeStatus(ProviderDialect.OpenAi, behaviour.Status);
        }

        var id = "cmpl-fake" + Guid.NewGuid().ToString("N");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var prompt = string.Join(' ', request.Texts);
        var pieces = FakeReply.Split(FakeReply.Prefix + prompt);
        var usage = OpenAiShapes.Usage(FakeReply.CountTokens(prompt), FakeReply.CountTokens(string.Concat(pieces)));
        if (!request.Stream)
        {
            return TypedResults.Json(OpenAiShapes.TextCompletion(id, created, request.Model, string.Concat(pieces), "stop", mount.Fingerprint, usage));
        }

        return new ServerSentEventsResult(async (sse, ct) =>
        {
            foreach (var piece in pieces)
            {
                await sse.WriteJsonAsync(null, OpenAiShapes.TextCompletion(id, created, request.Model, piece, null, mount.Fingerprint, null), ct);
            }

            await sse.WriteJsonAsync(null, OpenAiShapes.TextCompletion(id, created, request.Model, "", "stop", mount.Fingerprint, usage), ct);
            await sse.WriteAsync(null, "[DONE]", ct);
        });
    }

    private static async Task<IResult> EmbeddingsAsync(HttpContext context, CompatMount mount)
    {
        context.Response.Headers[CompatMount.Header] = mount.Name;
        var body = await ChatRequest.ReadBodyAsync(context.Request, context.RequestAborted);
        if (!CompatRequest.TryParse(body, "input", out var request, out var error))
        {
            return ProviderErrors.InvalidRequest(ProviderDialect.OpenAi, error);
        }

        if (ModelSwitch.Parse(request.Model) is { Kind: ModelSwitchKind.Status } behaviour)
        {
            return ProviderErrors.FakeStatus(ProviderDialect.OpenAi, behaviour.Status);
        }

        var vectors = request.Texts.Select(text =>
        {
            var vector = Vector(text);
            return request.Base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : (object)vector;
        });
        return TypedResults.Json(OpenAiShapes.Embeddings(request.Model, vectors, request.Texts.Sum(FakeReply.CountTokens)));
    }

    /// <summary>A deterministic vector: the same text always gets the same one, different texts (almost always) different ones.</summary>
    public static float[] Vector(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return [.. Enumerable.Range(0, Dimensions).Select(i => (hash[i] - 128) / 128f)];
    }
}
