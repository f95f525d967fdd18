using System.Text;
using FakeProvider.Auth;
using FakeProvider.Control;
using FakeProvider.Lago;

namespace FakeProvider.Recording;

/// <summary>
/// Records every provider request (what arrived, which key, how it ended) and logs method,
/// path and status of every request. Outermost middleware, so it sees the path as sent and
/// observes cancellations thrown by handlers when the client disconnects.
/// </summary>
internal sealed class RequestRecordingMiddleware(RequestDelegate next, RequestLog log, ILogger<RequestRecordingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method;
        var path = request.PathBase.Add(request.Path).Value ?? "/";

        if (ControlApi.Owns(request.Path) || LagoApi.Owns(request.Path))
        {
            await next(context);
            logger.RequestFinished(method, path, context.Response.StatusCode);
            return;
        }

        var key = ProviderKey.From(request.Headers);
        var id = log.Add(id => new RecordedRequest(
            id, method, path, request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray()),
            Body: null, key?.Value, key?.Header, Aborted: false, Completed: false, Status: 0));
        context.Response.OnStarting(() =>
        {
            // Kestrel still "starts" the response of a request the client already abandoned; keep 0 then.
            log.Update(id, r => r.Aborted || r.Completed ? r : r with { Status = context.Response.StatusCode });
            return Task.CompletedTask;
        });

        var aborted = false;
        var failed = false;
        try
        {
            var body = await ReadBodyAsync(request, context.RequestAborted);
            log.Update(id, r => r with { Body = body });
            await next(context);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: fake-hang, fake-slow and gated streams end here by design.
            aborted = true;
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            aborted |= context.RequestAborted.IsCancellationRequested;
            var status = context.Response.HasStarted ? context.Response.StatusCode
                : aborted ? 0
                : failed ? StatusCodes.Status500InternalServerError
                : context.Response.StatusCode;
            log.Update(id, r => r with { Aborted = aborted, Completed = !aborted, Status = status });
            if (aborted)
            {
                logger.RequestAborted(method, path, status);
            }
            else
            {
                logger.RequestFinished(method, path, status);
            }
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Buffered so the endpoint can read the body again after it was recorded.
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var body = await reader.ReadToEndAsync(cancellationToken);
        request.Body.Position = 0;
        return body.Length == 0 ? null : body;
    }
}
