using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.Hosting;

/// <summary>
/// Every error the gateway answers with, as RFC 9457 problem details whose <c>detail</c> says
/// what to do. Nothing here ever carries key material, ciphertext or exception text.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "Authentication required", detail);

    public static ProblemHttpResult Forbidden(string detail, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, extensions);

    public static ProblemHttpResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors)
    {
        var detail = string.Join(" ", errors.SelectMany(e => e.Value));
        return TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request is not valid",
            Detail = detail,
            Type = "https://tools.ietf.org/html/rfc4918#section-11.2",
        });
    }

    /// <summary>A query parameter that is not valid: 400, with <c>errors</c> naming the parameter as validation problems do.</summary>
    public static ProblemHttpResult InvalidParameter(string parameter, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [parameter] = [detail] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Bad request",
            Detail = detail,
        });

    /// <summary>
    /// ASP.NET Core has no default problem type for 429 (it has one for the other statuses used
    /// here), so it is set explicitly: every problem the gateway answers carries a <c>type</c>.
    /// </summary>
    public const string TooManyRequestsType = "https://tools.ietf.org/html/rfc6585#section-4";

    public static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", type: TooManyRequestsType);

    // A valid token of a user the realm has disabled or deleted: 403, not 401, because signing in
    // again cannot help (and clients that refresh on 401 would only loop). Same words on the
    // management API and the proxy.
    public const string AccountDisabledDetail =
        "Your account is disabled in the realm, so the gateway refuses its requests and changes nothing. Ask an administrator to enable it.";

    public const string AccountNotFoundDetail = "Your account does not exist in the realm any more; sign in again.";

    public static ProblemHttpResult AccountDisabled() => Forbidden(AccountDisabledDetail);

    public static ProblemHttpResult AccountNotFound() => Forbidden(AccountNotFoundDetail);

    /// <summary>
    /// The request's body could not be read (Kestrel's <c>BadHttpRequestException</c>: a broken
    /// chunked encoding, fewer bytes than its Content-Length, a body over the limit, too slow):
    /// the client's fault, so neither the gateway nor a provider is blamed.
    /// </summary>
    public static ProblemHttpResult UnreadableBody(int status, long? maxBodyBytes) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => Problem(status, "Request body too large", maxBodyBytes is { } max
            ? $"The request body is larger than the {max.ToString("N0", CultureInfo.InvariantCulture)} bytes accepted here; send a smaller one."
            : "The request body is larger than accepted here; send a smaller one."),
        StatusCodes.Status408RequestTimeout => Problem(status, "Request body too slow",
            "The request body arrived too slowly and was abandoned; send the request again."),
        _ => Problem(status is >= 400 and < 500 ? status : StatusCodes.Status400BadRequest, "Malformed request body",
            "The request body could not be read: it is malformed (for example a broken chunked encoding, or fewer bytes than its Content-Length). Fix the client and send the request again."),
    };

    public static ProblemHttpResult MethodNotAllowed(string detail) =>
        Problem(StatusCodes.Status405MethodNotAllowed, "Method not allowed", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public const string KeycloakUnavailableTitle = "Keycloak unavailable";

    public const string KeycloakUnavailableDetail =
        "The gateway cannot reach Keycloak right now, so your keys cannot be read or changed. Nothing was changed; try again shortly.";

    public static ProblemHttpResult KeycloakUnavailable() =>
        Problem(StatusCodes.Status503ServiceUnavailable, KeycloakUnavailableTitle, KeycloakUnavailableDetail);

    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
