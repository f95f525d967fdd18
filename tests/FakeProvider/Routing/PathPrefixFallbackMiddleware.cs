using FakeProvider.Control;
using FakeProvider.Lago;

namespace FakeProvider.Routing;

/// <summary>
/// Lets the fake stand in for a provider mounted under any prefix (a custom endpoint such as
/// <c>https://host/llm/v1</c>, or groq's <c>/openai/v1/...</c>): when the path is not a route,
/// leading segments move into <c>PathBase</c>, shortest prefix first, until the rest is one.
/// </summary>
internal sealed class PathPrefixFallbackMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (!ControlApi.Owns(request.Path) && !LagoApi.Owns(request.Path) && !ProviderRoutes.Matches(path))
        {
            for (var slash = path.IndexOf('/', 1); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                var rest = path[slash..];
                if (ProviderRoutes.Matches(rest))
                {
                    request.PathBase = request.PathBase.Add(path[..slash]);
                    request.Path = rest;
                    break;
                }
            }
        }

        return next(context);
    }
}
