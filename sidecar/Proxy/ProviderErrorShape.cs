using ByokGateway.Providers;
using Microsoft.AspNetCore.Http;

namespace ByokGateway.Proxy;

/// <summary>
/// Problem details on provider routes (and the unified <c>/v1</c> endpoint) also carry the member
/// LLM SDKs read errors from: OpenAI's <c>"error": {"message", "type", "param", "code"}</c>. The
/// OpenAI SDK shows nothing but "403 status code (no body)" without it; with it both official SDKs
/// surface the gateway's advice (which key is missing and how to add one). The body stays valid
/// RFC 9457: extension members are allowed.
/// </summary>
public static class ProviderErrorShape
{
    /// <summary>First path segment of the unified OpenAI-compatible endpoint.</summary>
    public const string UnifiedSegment = "v1";

    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("error") || !IsProviderRoute(context.HttpContext))
        {
            return;
        }

        problem.Extensions["error"] = Error(problem.Status ?? StatusCodes.Status500InternalServerError, problem.Detail ?? problem.Title ?? string.Empty);
    }

    /// <summary>The <c>error</c> member for a problem of this status; <paramref name="param"/> and <paramref name="code"/> as OpenAI uses them.</summary>
    public static Dictionary<string, object?> Error(int status, string message, string? param = null, string? code = null) => new()
    {
        ["message"] = message,
        ["type"] = status switch
        {
            StatusCodes.Status400BadRequest => "invalid_request_error",
            StatusCodes.Status401Unauthorized => "authentication_error",
            StatusCodes.Status403Forbidden => "permission_error",
            StatusCodes.Status404NotFound => "not_found_error",
            StatusCodes.Status413PayloadTooLarge => "request_too_large",
            StatusCodes.Status429TooManyRequests => "rate_limit_error",
            >= 400 and < 500 => "invalid_request_error",
            _ => "api_error",
        },
        ["param"] = param,
        ["code"] = code,
    };

    /// <summary>The <c>error</c> member with OpenAI's own <paramref name="type"/> and <paramref name="code"/> (e.g. <c>insufficient_quota</c>).</summary>
    public static Dictionary<string, object?> Error(string type, string message, string code) => new()
    {
        ["message"] = message,
        ["type"] = type,
        ["param"] = null,
        ["code"] = code,
    };

    private static bool IsProviderRoute(HttpContext context)
    {
        var path = context.Request.Path.Value.AsSpan().TrimStart('/');
        var end = path.IndexOf('/');
        var first = end < 0 ? path : path[..end];
        return !first.IsEmpty
            && (first.SequenceEqual(UnifiedSegment)
                || (context.RequestServices.GetService<ProviderCatalog>() is { } catalog && catalog.TryGet(first.ToString(), out _)));
    }
}
