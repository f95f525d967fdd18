using FakeProvider.Chat;
using FakeProvider.Compat;
using FakeProvider.Errors;

namespace FakeProvider.OpenAi;

/// <summary><c>POST {mount}/chat/completions</c> on every OpenAI-compatible mount, streaming and not.</summary>
internal static class OpenAiEndpoints
{
    public static IEndpointRouteBuilder MapOpenAiChat(this IEndpointRouteBuilder app)
    {
        foreach (var mount in CompatMounts.All)
        {
            app.MapPost(mount.Base + CompatMounts.ChatCompletions, (HttpContext context, FakeChat chat, TimeProvider time) => ChatCompletionsAsync(context, chat, time, mount));
        }

        return app;
    }

    private static async Task<IResult> ChatCompletionsAsync(HttpContext context, FakeChat chat, TimeProvider time, CompatMount mount)
    {
        context.Response.Headers[CompatMount.Header] = mount.Name;
        var cancellationToken = context.RequestAborted;
        var body = await ChatRequest.ReadBodyAsync(context.Request, cancellationToken);
        if (!ChatRequest.TryParse(body, out var request, out var error))
        {
            return ProviderErrors.InvalidRequest(ProviderDialect.OpenAi, error);
        }

        var turn = ChatTurn.Start(request, context.Request);
        switch (turn.Behaviour.Kind)
        {
            case ModelSwitchKind.Status:
                return ProviderErrors.FakeStatus(ProviderDialect.OpenAi, turn.Behaviour.Status);
            case ModelSwitchKind.Hang:
                await chat.HangAsync(cancellationToken);
                break;
        }

        var completion = new Completion("chatcmpl-fake" + Guid.NewGuid().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(), request.Model, mount.Fingerprint);
        if (request.Stream)
        {
            return new ServerSentEventsResult((sse, ct) => StreamAsync(sse, chat, turn, completion, ct));
        }

        await chat.BeforeReplyAsync(turn, cancellationToken);
        var reply = turn.Reply;
        var answer = OpenAiShapes.Completion(completion.Id, completion.Created, completion.Model, reply.Text, OpenAiShapes.Usage(reply.PromptTokens, reply.CompletionTokens, turn.Usage), completion.Fingerprint);
        return turn.Usage == UsageFault.CutOff ? new CutOffResult(answer) : TypedResults.Json(answer);
    }

    private static async Task StreamAsync(SseWriter sse, FakeChat chat, ChatTurn turn, Completion completion, CancellationToken cancellationToken)
    {
        var (id, created, model, fingerprint) = completion;
        var includeUsage = turn.Request.IncludeUsage;
        var pieces = turn.Reply.Pieces;
        for (var i = 0; i < pieces.Count; i++)
        {
            // The role rides on the first content chunk, so "the first chunk" always carries content.
            object delta = i == 0 ? new { role = "assistant", content = pieces[i] } : new { content = pieces[i] };
            await sse.WriteJsonAsync(null, OpenAiShapes.Chunk(id, created, model, delta, null, includeUsage, fingerprint), cancellationToken);
            await chat.AfterPieceAsync(turn, i, cancellationToken);
        }

        if (turn.Usage == UsageFault.CutOff)
        {
            sse.Abort();
            return;
        }

        await sse.WriteJsonAsync(null, OpenAiShapes.Chunk(id, created, model, new { }, "stop", includeUsage, fingerprint), cancellationToken);
        if (includeUsage && OpenAiShapes.Usage(turn.Reply.PromptTokens, turn.Reply.CompletionTokens, turn.Usage) is { } usage)
        {
            await sse.WriteJsonAsync(null, OpenAiShapes.UsageChunk(id, created, model, usage, fingerprint), cancellationToken);
        }

        await sse.WriteAsync(null, "[DONE]", cancellationToken);
    }

    private sealed record Completion(string Id, long Created, string Model, string Fingerprint);
}
