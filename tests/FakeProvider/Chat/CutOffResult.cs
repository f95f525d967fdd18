using System.Text.Json;

namespace FakeProvider.Chat;

/// <summary>A 200 JSON answer whose connection drops halfway through the body (Content-Length promised the whole).</summary>
internal sealed class CutOffResult(object payload) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), httpContext.RequestAborted);
        await response.Body.FlushAsync(httpContext.RequestAborted);
        httpContext.Abort();
    }
}
