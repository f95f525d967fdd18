using FakeProvider.Chat;
using FakeProvider.Errors;
using FakeProvider.Routing;

namespace FakeProvider.Anthropic;

/// <summary><c>POST /v1/messages</c>, streaming and not.</summary>
internal static class AnthropicEndpoints
{
    public static IEndpointRouteBuilder MapAnthropicMessages(this IEndpointRouteBuilder app)
    {
        app.MapPost(ProviderRoutes.AnthropicMessages, MessagesAsync);
        return app;
    }

    private static async Task<IResult> MessagesAsync(HttpContext context, FakeChat chat)
    {
        var cancellationToken = context.RequestAborted;
        var body = await ChatRequest.ReadBodyAsync(context.Request, cancellationToken);
        if (!ChatRequest.TryParse(body, out var request, out var error))
        {
            return ProviderErrors.InvalidRequest(ProviderDialect.Anthropic, error);
        }

        var turn = ChatTurn.Start(request, context.Request);
        switch (turn.Behaviour.Kind)
        {
            case ModelSwitchKind.Status:
                return ProviderErrors.FakeStatus(ProviderDialect.Anthropic, turn.Behaviour.Status);
            case ModelSwitchKind.Hang:
                await chat.HangAsync(cancellationToken);
                break;
        }

        var id = "msg_fake" + Guid.NewGuid().ToString("N");
        if (request.Stream)
        {
            return new ServerSentEventsResult((sse, ct) => StreamAsync(sse, chat, turn, id, ct));
        }

        await chat.BeforeReplyAsync(turn, cancellationToken);
        var reply = turn.Reply;
        var message = AnthropicShapes.Message(id, request.Model, reply.Text, reply.PromptTokens, reply.CompletionTokens, turn.Usage);
        return turn.Usage == UsageFault.CutOff ? new CutOffResult(message) : TypedResults.Json(message);
    }

    private static async Task StreamAsync(SseWriter sse, FakeChat chat, ChatTurn turn, string id, CancellationToken cancellationToken)
    {
        var reply = turn.Reply;
        await sse.WriteJsonAsync("message_start", AnthropicShapes.MessageStart(id, turn.Request.Model, reply.PromptTokens, turn.Usage), cancellationToken);
        await sse.WriteJsonAsync("content_block_start", AnthropicShapes.ContentBlockStart(0), cancellationToken);
        await sse.WriteJsonAsync("ping", AnthropicShapes.Ping(), cancellationToken);

        for (var i = 0; i < reply.Pieces.Count; i++)
        {
            await sse.WriteJsonAsync("content_block_delta", AnthropicShapes.TextDelta(0, reply.Pieces[i]), cancellationToken);
            await chat.AfterPieceAsync(turn, i, cancellationToken);
        }

        if (turn.Usage == UsageFault.CutOff)
        {
            sse.Abort();
            return;
        }

        await sse.WriteJsonAsync("content_block_stop", AnthropicShapes.ContentBlockStop(0), cancellationToken);
        await sse.WriteJsonAsync("message_delta", AnthropicShapes.MessageDelta(reply.CompletionTokens, turn.Usage), cancellationToken);
        await sse.WriteJsonAsync("message_stop", AnthropicShapes.MessageStop(), cancellationToken);
    }
}
