using FakeProvider.Chat;
using FakeProvider.Errors;
using FakeProvider.Routing;

namespace FakeProvider.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>, streaming and not.</summary>
internal static class OpenAiEndpoints
{
    public static IEndpointRouteBuilder MapOpenAiChat(this IEndpointRouteBuilder app)
    {
        app.MapPost(ProviderRoutes.ChatCompletions, ChatCompletionsAsync);
        return app;
    }

    private static async Task<IResult> ChatCompletionsAsync(HttpContext context, FakeChat chat, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        var body = await ChatRequest.ReadBodyAsync(context.Request, cancellationToken);
        if (!ChatRequest.TryParse(body, out var request, out var error))
        {
            return ProviderErrors.InvalidRequest(ProviderDialect.OpenAi, error);
        }

        var behaviour = ModelSwitch.Parse(request.Model);
        switch (behaviour.Kind)
        {
            case ModelSwitchKind.Status:
                return ProviderErrors.FakeStatus(ProviderDialect.OpenAi, behaviour.Status);
            case ModelSwitchKind.Hang:
                await chat.HangAsync(cancellationToken);
                break;
        }

        var reply = FakeReply.For(request, behaviour);
        var id = "chatcmpl-fake" + Guid.NewGuid().ToString("N");
        var created = time.GetUtcNow().ToUnixTimeSeconds();

        if (request.Stream)
        {
            return new ServerSentEventsResult((sse, ct) => StreamAsync(context.Request, chat, sse, request, behaviour, reply, id, created, ct));
        }

        await chat.BeforeReplyAsync(context.Request, behaviour, reply.Pieces.Count, cancellationToken);
        return TypedResults.Json(OpenAiShapes.Completion(id, created, request.Model, reply.Text, reply.PromptTokens, reply.CompletionTokens));
    }

    private static async Task StreamAsync(
        HttpRequest http, FakeChat chat, SseWriter sse, ChatRequest request, ModelSwitch behaviour, FakeReply reply,
        string id, long created, CancellationToken cancellationToken)
    {
        var model = request.Model;
        var count = reply.Pieces.Count;
        for (var i = 0; i < count; i++)
        {
            // The role rides on the first content chunk, so "the first chunk" always carries content.
            object delta = i == 0
                ? new { role = "assistant", content = reply.Pieces[i] }
                : new { content = reply.Pieces[i] };
            await sse.WriteJsonAsync(null, OpenAiShapes.Chunk(id, created, model, delta, null, request.IncludeUsage), cancellationToken);
            await chat.AfterPieceAsync(http, behaviour, i, count, cancellationToken);
        }

        await sse.WriteJsonAsync(null, OpenAiShapes.Chunk(id, created, model, new { }, "stop", request.IncludeUsage), cancellationToken);
        if (request.IncludeUsage)
        {
            await sse.WriteJsonAsync(null, OpenAiShapes.UsageChunk(id, created, model, reply.PromptTokens, reply.CompletionTokens), cancellationToken);
        }

        await sse.WriteAsync(null, "[DONE]", cancellationToken);
    }
}
