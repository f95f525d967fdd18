using ByokGateway.Providers;
using Microsoft.AspNetCore.Http;

namespace ByokGateway.Proxy;

/// <summary>
/// Problem details on provider routes also carry the member LLM SDKs read errors from:
/// <c>"error": {"message", "type"}</c>. The OpenAI SDK shows nothing but "403 status code (no
/// body)" without it; with it both official SDKs surface the gateway's advice (which key is
/// missing and how to add one). The body stays valid RFC 9457: extension members are allowed.
/// </summary>
public static class ProviderErrorShape
{
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("error") || !IsProviderRoute(context.HttpContext))
        {
            return;
        }

        problem.Extensions["error"] = new Dictionary<string, object?>
        {
            ["message"] = problem.Detail ?? problem.Title,
            ["type"] = problem.Status switch
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
        };
    }

    private static bool IsProviderRoute(HttpContext context)
    {
        var path = context.Request.Path.Value.AsSpan().TrimStart('/');
        var end = path.IndexOf('/');
        var first = end < 0 ? path : path[..end];
        return !first.IsEmpty
            && context.RequestServices.GetService<ProviderCatalog>() is { } catalog
            && catalog.TryGet(first.ToString(), out _);
    }
}
