using ByokGateway.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace ByokGateway.Proxy;

/// <summary>
/// Builds the provider's request headers: only the caller's headers the allowlist names are
/// copied (YARP's copy of all of them is off for provider routes), then the provider's own auth
/// header is set from the resolved key. The caller's token, cookies and address therefore never
/// reach a provider, under any header name. For user endpoints the destination becomes the
/// user's stored base URL.
/// </summary>
public sealed class KeySwapTransform(RequestHeaderAllowlist allowlist) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var resolved = http.Features.Get<ResolvedKey>()
            ?? throw new InvalidOperationException("KeySwapTransform ran without a resolved key; KeyResolutionMiddleware must run first.");

        // A body announced larger than accepted is refused before the provider sees anything (YARP
        // does not forward once a transform has answered). One that grows past the limit while it
        // streams ends as 413 too, from KeyResolutionMiddleware, but the provider saw its start.
        var incoming = http.Request.Headers;
        if (http.Request.ContentLength is { } length
            && http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max && length > max)
        {
            http.Response.Headers.Remove(KeyResolutionMiddleware.KeySourceHeader);
            return new ValueTask(ApiProblems.UnreadableBody(StatusCodes.Status413PayloadTooLarge, max).ExecuteAsync(http));
        }

        // A request with both framings is read as chunked; the Content-Length must not travel on
        // (request smuggling, RFC 9112 section 6.3), as YARP's own copy does.
        var chunked = incoming.ContainsKey(HeaderNames.TransferEncoding);
        foreach (var (name, value) in incoming)
        {
            if (allowlist.Allows(name) && !(chunked && name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)))
            {
                AddHeader(context, name, value);
            }
        }

        var provider = resolved.Provider;
        foreach (var (name, value) in provider.Headers)
        {
            // SDKs send their own API version headers; the catalogue's value is only a default.
            if (!(incoming.ContainsKey(name) && allowlist.Allows(name)))
            {
                AddHeader(context, name, value);
            }
        }

        AddHeader(context, provider.AuthHeaderName, provider.AuthHeaderValue(resolved.Key));

        if (resolved.Endpoint is { } endpoint)
        {
            context.ProxyRequest.RequestUri = new Uri(
                endpoint.AbsoluteUri.TrimEnd('/') + context.Path.ToUriComponent() + context.Query.QueryString.ToUriComponent());
        }

        return ValueTask.CompletedTask;
    }
}
