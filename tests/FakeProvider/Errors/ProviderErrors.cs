using System.Globalization;
using FakeProvider.Routing;

namespace FakeProvider.Errors;

/// <summary>
/// Every error the fake answers on a provider path, in the body shape of the provider the caller
/// speaks to: SDKs parse these bodies, and the gateway must pass them through unchanged.
/// Messages never contain the key that was sent.
/// </summary>
internal static class ProviderErrors
{
    public static ProviderDialect DialectOf(HttpRequest request)
    {
        if (request.Path.StartsWithSegments(ProviderRoutes.GeminiPrefix))
        {
            return ProviderDialect.Gemini;
        }

        return request.Path.StartsWithSegments(ProviderRoutes.AnthropicMessages) || request.Headers.ContainsKey("anthropic-version")
            ? ProviderDialect.Anthropic
            : ProviderDialect.OpenAi;
    }

    public static IResult Unauthorized(ProviderDialect dialect, bool keyMissing) => dialect switch
    {
        ProviderDialect.Anthropic => Anthropic(StatusCodes.Status401Unauthorized,
            keyMissing ? "x-api-key header is required" : "invalid x-api-key"),
        ProviderDialect.Gemini => Gemini(StatusCodes.Status401Unauthorized,
            keyMissing ? "Method doesn't allow unregistered callers. Please use an API key." : "API key not valid. Please pass a valid API key."),
        _ => OpenAi(StatusCodes.Status401Unauthorized,
            keyMissing
                ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                : "Incorrect API key provided.",
            code: keyMissing ? null : "invalid_api_key"),
    };

    /// <summary>The answer to a <c>fake-status-&lt;code&gt;</c> model.</summary>
    public static IResult FakeStatus(ProviderDialect dialect, int status)
    {
        var message = string.Create(CultureInfo.InvariantCulture,
            $"fake-status-{status}: the fake provider answers this model with status {status}.");
        return dialect switch
        {
            ProviderDialect.Anthropic => Anthropic(status, message),
            ProviderDialect.Gemini => Gemini(status, message),
            _ => OpenAi(status, message, code: status == StatusCodes.Status429TooManyRequests ? "rate_limit_exceeded" : null),
        };
    }

    public static IResult InvalidRequest(ProviderDialect dialect, string message) => dialect switch
    {
        ProviderDialect.Anthropic => Anthropic(StatusCodes.Status400BadRequest, message),
        ProviderDialect.Gemini => Gemini(StatusCodes.Status400BadRequest, message),
        _ => OpenAi(StatusCodes.Status400BadRequest, message, code: null),
    };

    /// <summary>Fallback endpoint: a path no provider route (even after prefix stripping) matches.</summary>
    public static IResult NotFound(HttpContext context)
    {
        var message = $"Unknown request URL: {context.Request.Method} {context.Request.PathBase}{context.Request.Path}.";
        return DialectOf(context.Request) switch
        {
            ProviderDialect.Anthropic => Anthropic(StatusCodes.Status404NotFound, message),
            ProviderDialect.Gemini => Gemini(StatusCodes.Status404NotFound, message),
            _ => OpenAi(StatusCodes.Status404NotFound, message, code: "unknown_url"),
        };
    }

    private static ErrorResult OpenAi(int status, string message, string? code)
    {
        var type = status switch
        {
            StatusCodes.Status403Forbidden => "permission_error",
            StatusCodes.Status429TooManyRequests => "rate_limit_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        };
        return new ErrorResult(status, new { error = new { message, type, param = (string?)null, code } });
    }

    private static ErrorResult Anthropic(int status, string message)
    {
        var type = status switch
        {
            StatusCodes.Status401Unauthorized => "authentication_error",
            StatusCodes.Status403Forbidden => "permission_error",
            StatusCodes.Status404NotFound => "not_found_error",
            StatusCodes.Status413PayloadTooLarge => "request_too_large",
            StatusCodes.Status429TooManyRequests => "rate_limit_error",
            529 => "overloaded_error",
            >= 500 => "api_error",
            _ => "invalid_request_error",
        };
        return new ErrorResult(status, new { type = "error", error = new { type, message } });
    }

    private static ErrorResult Gemini(int status, string message)
    {
        var googleStatus = status switch
        {
            StatusCodes.Status400BadRequest => "INVALID_ARGUMENT",
            StatusCodes.Status401Unauthorized => "UNAUTHENTICATED",
            StatusCodes.Status403Forbidden => "PERMISSION_DENIED",
            StatusCodes.Status404NotFound => "NOT_FOUND",
            StatusCodes.Status429TooManyRequests => "RESOURCE_EXHAUSTED",
            StatusCodes.Status503ServiceUnavailable => "UNAVAILABLE",
            >= 500 => "INTERNAL",
            _ => "UNKNOWN",
        };
        return new ErrorResult(status, new { error = new { code = status, message, status = googleStatus } });
    }

    private sealed class ErrorResult(int status, object body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (status == StatusCodes.Status429TooManyRequests)
            {
                httpContext.Response.Headers.RetryAfter = "1";
            }

            return TypedResults.Json(body, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}
