namespace ByokGateway.Hosting;

/// <summary>
/// The request methods the gateway serves, on every route. <c>CONNECT</c> (a tunnel request the
/// gateway is not; YARP cannot forward it), <c>TRACE</c> (echoes the request, credentials
/// included, back to the caller) and unknown methods are refused with 405 before routing: health
/// checks and metrics would otherwise answer them, and the proxy would pass them to providers.
/// </summary>
public static class MethodAllowlist
{
    /// <summary>The value of the <c>Allow</c> header of a refusal.</summary>
    public const string Allowed = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    public static IApplicationBuilder UseMethodAllowlist(this IApplicationBuilder app) =>
        app.Use((context, next) => IsAllowed(context.Request.Method) ? next(context) : RefuseAsync(context));

    // Kestrel hands out HttpMethods' own strings, so the usual methods match on a reference compare.
    public static bool IsAllowed(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsPost(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsDelete(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method);

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.Headers.Allow = Allowed;
        var method = context.Request.Method;
        var named = HttpMethods.IsConnect(method) || HttpMethods.IsTrace(method) ? method + " requests" : "this request method";
        return ApiProblems.MethodNotAllowed($"The gateway does not serve {named}; it takes {Allowed}.").ExecuteAsync(context);
    }
}
