using ByokGateway.Auth;
using ByokGateway.Keycloak;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace ByokGateway.Unified;

/// <summary>
/// Proxy pipeline step of the unified routes (DESIGN.md §11), before key resolution: reads the
/// body as far as its top-level <c>model</c>, picks the provider, and turns the call into the
/// provider route's own call: path <c>/{provider}{OpenAiPath}{suffix}</c>, the provider's YARP
/// route and cluster, and a body that replays what was read with the <c>model</c> prefix cut,
/// then streams the rest. From there key resolution, key swap, streaming, timeouts, errors,
/// metrics and logs are exactly the provider route's. Refusals (4xx) forward nothing.
/// </summary>
public sealed partial class UnifiedRoutingStep(
    ModelRouter router,
    ProviderCatalog catalog,
    KeyResolver resolver,
    IProxyStateLookup proxyState,
    IOptions<UnifiedOptions> options,
    UnifiedMetrics metrics,
    ILogger<UnifiedRoutingStep> logger) : IProxyPipelineStep
{
    public const string ProviderHeader = "X-Byok-Provider";

    public async Task InvokeAsync(HttpContext context, RequestDelegate continuation)
    {
        // Provider routes pass untouched; so do callers who are not realm users: key resolution
        // answers them with 401/403 before anything is read.
        var metadata = context.GetReverseProxyFeature().Route.Config.Metadata;
        if (metadata is null || !metadata.TryGetValue(UnifiedRoutes.RouteMetadata, out var suffix)
            || !ByokAuthExtensions.IsRealmUser(context.User, out var userId))
        {
            await continuation(context);
            return;
        }

        if (IsCompressed(context.Request))
        {
            await RefuseAsync(context, userId, "compressed", UnifiedProblems.Compressed());
            return;
        }

        var prefix = new BodyPrefix();
        try
        {
            var forwarded = await RouteAsync(context, userId, suffix, prefix);
            if (forwarded is not null)
            {
                // The body now owns the prefix's buffers; they go back to the pool when the
                // request ends, after YARP finished reading them.
                context.Response.RegisterForDispose(forwarded);
                prefix = null;
                await continuation(context);
            }
        }
        finally
        {
            prefix?.Dispose();
        }
    }

    // The body to forward when the call goes on; null when it was answered here.
    private async Task<SplicedRequestBody?> RouteAsync(HttpContext context, string userId, string suffix, BodyPrefix prefix)
    {
        var request = context.Request;
        var maxBytes = options.Value.MaxModelSearchBytes;
        ModelScan scan;
        try
        {
            scan = await ModelScanner.ScanAsync(prefix, request.Body, maxBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel refused the body (too large, broken chunking, too slow): the client's fault.
            var max = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            await RefuseAsync(context, userId, "unreadable_body", Hosting.ApiProblems.UnreadableBody(e.StatusCode, max));
            return null;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return null; // the client went away; nobody is listening
        }

        metrics.RecordBodyRead(prefix.Length);
        switch (scan.Outcome)
        {
            case ModelScanOutcome.NotJson or ModelScanOutcome.NotObject:
                await RefuseAsync(context, userId, "not_json", UnifiedProblems.NotJson());
                return null;
            case ModelScanOutcome.NotString:
                await RefuseAsync(context, userId, "model_not_string", UnifiedProblems.NotString());
                return null;
            case ModelScanOutcome.TooLong:
                await RefuseAsync(context, userId, "model_too_long", UnifiedProblems.TooLong());
                return null;
            case ModelScanOutcome.TooFar:
                await RefuseAsync(context, userId, "model_too_far", UnifiedProblems.TooFar(maxBytes));
                return null;
            case ModelScanOutcome.Missing:
                await RefuseAsync(context, userId, "no_model", UnifiedProblems.Missing(await UsableAsync(userId, context.RequestAborted)));
                return null;
        }

        var model = scan.Model!;
        if (model.Length == 0)
        {
            await RefuseAsync(context, userId, "no_model", UnifiedProblems.Empty(await UsableAsync(userId, context.RequestAborted)));
            return null;
        }

        var route = router.Route(model);
        var problem = route.Outcome switch
        {
            ModelRouteOutcome.NoProvider => ("no_provider", UnifiedProblems.NoProvider(model, await UsableAsync(userId, context.RequestAborted))),
            ModelRouteOutcome.UnknownProvider => ("unknown_provider", UnifiedProblems.UnknownProvider(route.Prefix!, await UsableAsync(userId, context.RequestAborted))),
            ModelRouteOutcome.EmptyModel => ("empty_model", UnifiedProblems.EmptyModel(route.Provider!)),
            _ when route.Provider!.OpenAiPath is null => ("not_openai_compatible", UnifiedProblems.NotCompatible(route.Provider)),
            _ => default((string, ProblemHttpResult)?),
        };
        if (problem is var (reason, result))
        {
            await RefuseAsync(context, userId, reason, result);
            return null;
        }

        var provider = route.Provider!;
        if (!proxyState.TryGetRoute(provider.Id, out var providerRoute) || !proxyState.TryGetCluster(provider.Id, out var cluster))
        {
            throw new InvalidOperationException($"The proxy has no route or cluster for provider '{provider.Id}'.");
        }

        var body = ModelRewrite.Splice(prefix, scan, provider, route.PrefixLength, request.Body);
        request.Body = body;
        if (request.ContentLength is { } length)
        {
            request.ContentLength = length + body.LengthChange;
        }

        // From here on this is the provider route's call, as if the client had sent it there.
        request.Path = "/" + provider.Id + provider.OpenAiPath + suffix;
        context.ReassignProxyRequest(providerRoute, cluster);
        context.Response.Headers[ProviderHeader] = provider.Id;
        Usage.RequestedModel.Set(context, model[route.PrefixLength..]);
        LogRouted(logger, userId, provider.Id, prefix.Length);
        return body;
    }

    private static bool IsCompressed(HttpRequest request) =>
        request.Headers.ContentEncoding.Any(v => !string.IsNullOrWhiteSpace(v) && !string.Equals(v.Trim(), "identity", StringComparison.OrdinalIgnoreCase));

    // The providers the error message lists; null without Keycloak (the message goes without the list).
    private async Task<IReadOnlyList<Provider>?> UsableAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.UsableProvidersAsync(catalog.All.Where(p => p.OpenAiPath is not null), userId, cancellationToken);
        }
        catch (KeycloakUnavailableException)
        {
            return null;
        }
    }

    private async Task RefuseAsync(HttpContext context, string userId, string reason, ProblemHttpResult problem)
    {
        metrics.RecordRefusal(reason);
        LogRefused(logger, userId, reason);
        await problem.ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Refused a /v1 call of user {UserId}: {Reason}; nothing was forwarded")]
    private static partial void LogRefused(ILogger logger, string userId, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Routed a /v1 call of user {UserId} to {Provider} after reading {BytesRead} bytes of its body")]
    private static partial void LogRouted(ILogger logger, string userId, string provider, long bytesRead);
}
