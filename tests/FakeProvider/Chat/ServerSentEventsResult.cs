using Microsoft.AspNetCore.Http.Features;

namespace FakeProvider.Chat;

/// <summary>A 200 <c>text/event-stream</c> response whose events <c>write</c> produces.</summary>
internal sealed class ServerSentEventsResult(Func<SseWriter, CancellationToken, Task> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        await response.StartAsync(httpContext.RequestAborted);
        await write(new SseWriter(response), httpContext.RequestAborted);
    }
}
