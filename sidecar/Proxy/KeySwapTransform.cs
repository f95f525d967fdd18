using ByokGateway.Auth;
using Yarp.ReverseProxy.Transforms;

namespace ByokGateway.Proxy;

/// <summary>
/// Replaces the caller's credentials with the resolved provider key. Every header that may carry
/// the caller's token, and cookies, are removed before the provider's own auth header is set; for
/// user endpoints the destination becomes the user's stored base URL.
/// </summary>
public sealed class KeySwapTransform(bool forwardClientAddress) : RequestTransform
{
    // Headers a front proxy may have added with the caller's address.
    private static readonly string[] ClientAddressHeaders = ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "Forwarded", "X-Real-IP"];

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var resolved = context.HttpContext.Features.Get<ResolvedKey>()
            ?? throw new InvalidOperationException("KeySwapTransform ran without a resolved key; KeyResolutionMiddleware must run first.");

        // The outgoing headers are copies of the incoming ones (this is the only request transform
        // besides the path), so only headers the caller sent need removing: looking them up in
        // Kestrel's header collection is much cheaper than removing from HttpRequestMessage.
        var incoming = context.HttpContext.Request.Headers;
        foreach (var header in CallerCredentials.Headers)
        {
            RemoveIfSent(context, incoming, header);
        }

        RemoveIfSent(context, incoming, "Cookie");
        if (!forwardClientAddress)
        {
            foreach (var header in ClientAddressHeaders)
            {
                RemoveIfSent(context, incoming, header);
            }
        }

        var provider = resolved.Provider;
        foreach (var (name, value) in provider.Headers)
        {
            // SDKs send their own API version headers; the catalogue's value is only a default.
            if (!context.HttpContext.Request.Headers.ContainsKey(name))
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

    private static void RemoveIfSent(RequestTransformContext context, IHeaderDictionary incoming, string header)
    {
        if (incoming.ContainsKey(header))
        {
            RemoveHeader(context, header);
        }
    }
}
