using ByokGateway.Keycloak;
using ByokGateway.Keys;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace ByokGateway.Hosting;

/// <summary>
/// Turns exceptions into problem details in one place. Requests the client got wrong keep the 4xx
/// Kestrel chose; known failures get a status and advice; anything else is a 500 whose body says
/// nothing about the exception (it is logged instead).
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A request the client got wrong, found while reading its body: Kestrel says which 4xx.
        // Not a failure of the gateway, so no error and no stack trace in the log.
        if (ExceptionChain.Find<BadHttpRequestException>(exception) is { } badRequest)
        {
            LogRefused(logger, badRequest.StatusCode, badRequest.Message);
            var maxBody = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            var refusal = ApiProblems.UnreadableBody(badRequest.StatusCode, maxBody).ProblemDetails;
            return await WriteAsync(httpContext, exception, refusal.Status!.Value, refusal.Title!, refusal.Detail!);
        }

        var (status, title, detail) = Classify(exception);

        if (status == StatusCodes.Status500InternalServerError || exception is KeycloakRequestException or AttributesNotStoredException)
        {
            // Exception messages here are the gateway's own (no secrets); stack traces stay in logs.
            LogFailure(logger, exception.GetType().Name, exception.Message, exception);
        }

        return await WriteAsync(httpContext, exception, status, title, detail);
    }

    private async ValueTask<bool> WriteAsync(HttpContext httpContext, Exception exception, int status, string title, string detail)
    {
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static (int Status, string Title, string Detail) Classify(Exception exception)
    {
        if (ExceptionChain.Find<KeycloakUnavailableException>(exception) is not null)
        {
            return (StatusCodes.Status503ServiceUnavailable, ApiProblems.KeycloakUnavailableTitle, ApiProblems.KeycloakUnavailableDetail);
        }

        if (ExceptionChain.Find<UserNotFoundException>(exception) is not null)
        {
            return (StatusCodes.Status403Forbidden, "Forbidden", ApiProblems.AccountNotFoundDetail);
        }

        if (ExceptionChain.Find<UserDisabledException>(exception) is not null)
        {
            return (StatusCodes.Status403Forbidden, "Forbidden", ApiProblems.AccountDisabledDetail);
        }

        if (ExceptionChain.Find<AttributesNotStoredException>(exception) is not null)
        {
            return (StatusCodes.Status500InternalServerError, "Key not stored",
                "Keycloak did not store the key, so nothing was saved. An administrator must allow the gateway to write user attributes (unmanaged attribute policy ADMIN_EDIT).");
        }

        if (ExceptionChain.Find<KeycloakRequestException>(exception) is not null)
        {
            return (StatusCodes.Status502BadGateway, "Keycloak refused the gateway",
                "Keycloak refused a request of the gateway; an administrator should check the gateway's logs and its Keycloak client.");
        }

        return (StatusCodes.Status500InternalServerError, "Unexpected error",
            "The gateway failed unexpectedly. Nothing about your keys was exposed; try again, and contact the operator if it persists.");
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Request failed with {ExceptionType}: {Reason}")]
    private static partial void LogFailure(ILogger logger, string exceptionType, string reason, Exception exception);

    // The reason is a body fault as Kestrel names it ("Bad chunk size data."). A malformed head,
    // whose text could carry header values, is refused by Kestrel before the application runs
    // and never comes here.
    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Request refused with {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int statusCode, string reason);
}
