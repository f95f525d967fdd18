namespace ByokGateway.Hosting;

/// <summary>
/// A <c>detail</c> for the problems the framework writes with a status alone (status-code pages
/// after routing found no endpoint or no method, an empty 4xx of a middleware), so that every
/// error of the gateway says what to do, as the ones it writes itself do.
/// </summary>
public static class ProblemDetailDefaults
{
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "The request is malformed; fix it and send it again.",
            StatusCodes.Status404NotFound =>
                "Nothing is served at this path. The management API is under /api/v1/byok; provider calls go to /{provider}/..., for example /openai/v1/chat/completions.",
            StatusCodes.Status405MethodNotAllowed =>
                $"This path does not take {Sanitize(request.Method)} requests; the Allow header lists the methods it takes.",
            StatusCodes.Status406NotAcceptable => "The gateway cannot answer in a media type the Accept header allows; accept application/json.",
            StatusCodes.Status411LengthRequired => "This request needs a Content-Length header.",
            StatusCodes.Status413PayloadTooLarge => "The request body is too large; send a smaller one.",
            StatusCodes.Status415UnsupportedMediaType => "The body's Content-Type is not accepted here; send application/json.",
            >= 400 and < 500 => "The request was refused; fix it and send it again.",
            _ => "The gateway could not answer this request. Try again; contact the operator if it persists.",
        };
    }

    // The method is the client's text; it goes back into the answer only if it is a short token.
    private static string Sanitize(string method) =>
        method.Length <= 20 && method.All(char.IsAsciiLetter) ? method : "such";
}
