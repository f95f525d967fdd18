using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.Hosting;

/// <summary>
/// Reads a management-API request body as one JSON object, for every endpoint that takes one, so
/// each gets the same limits and the same problems for bad input.
/// </summary>
public static class ApiRequestBody
{
    /// <summary>The largest request body the API reads; larger ones are refused with 413.</summary>
    public const long MaxBytes = 64 * 1024;

    /// <param name="request">The request whose body is read.</param>
    /// <param name="example">A valid body, quoted in the problems' detail.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<(JsonElement? Body, ProblemHttpResult? Error)> ReadObjectAsync(
        HttpRequest request, string example, CancellationToken cancellationToken)
    {
        // A body without Content-Type is read as JSON, so clients that never sent one keep working;
        // a body that says it is something else is refused rather than guessed at.
        if (request.ContentType is not null && !request.HasJsonContentType())
        {
            return (null, ApiProblems.UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json."));
        }

        // The API's bodies fit in a few KB. Kestrel enforces the limit while the body is read (413
        // through the exception handler), whether it is announced or chunked.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            return body.ValueKind == JsonValueKind.Object
                ? (body, null)
                : (null, ApiProblems.BadRequest($"The request body must be a JSON object such as {example}."));
        }
        catch (JsonException)
        {
            return (null, ApiProblems.BadRequest($"The request body is not valid JSON; send a JSON object such as {example}."));
        }
    }
}
