using System.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Providers;
using ByokGateway.Security;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ByokGateway.Proxy;

/// <summary>
/// Step of YARP's proxy pipeline, after authentication: resolves the key (or answers 403/503
/// without forwarding anything), forwards, turns forwarding failures into problem details, and
/// writes one log event and the metrics of the call.
/// </summary>
public sealed partial class KeyResolutionMiddleware(RequestDelegate next, ILogger<KeyResolutionMiddleware> logger)
{
    public const string KeySourceHeader = "X-Byok-Key-Source";

    // Services come per call (singletons, so this costs a lookup), not through the constructor:
    // YARP builds its pipeline while the app is composed, before start-up validation of the
    // options could report bad configuration in words.
    public async Task InvokeAsync(HttpContext context, ProviderCatalog catalog, KeyResolver resolver, ProxyMetrics metrics, ForwardingSteps steps)
    {
        // The realm-user policy of the management API, with the same outcomes: 401 via the bearer
        // challenge, 403 via forbid. It is checked here rather than as the routes'
        // AuthorizationPolicy because the framework's policy evaluation cost about 4 us of CPU on
        // every proxied call; nothing runs before this step in the proxy pipeline.
        if (!ByokAuthExtensions.IsRealmUser(context.User, out var userId))
        {
            await (context.User.Identity?.IsAuthenticated == true ? context.ForbidAsync() : context.ChallengeAsync());
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var arrived = steps.Time.GetUtcNow();
        var providerId = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(ProxyConfigProvider.ProviderMetadata);
        if (providerId is null || !catalog.TryGet(providerId, out var provider))
        {
            await next(context);
            return;
        }

        ResolvedKey? key;
        try
        {
            (key, var problem) = await resolver.ResolveAsync(provider, userId, context.RequestAborted);
            if (problem is not null)
            {
                await problem.ExecuteAsync(context);
                Complete(context, metrics, provider, userId, "none", started);
                return;
            }
        }
        catch (KeycloakUnavailableException)
        {
            // Nothing cached and Keycloak down: refuse rather than guess (no silent system-key fallback).
            await ApiProblems.KeycloakUnavailable().ExecuteAsync(context);
            Complete(context, metrics, provider, userId, "none", started);
            return;
        }

        context.Features.Set(key);
        context.Response.Headers[KeySourceHeader] = key!.SourceName;
        var forwarding = Stopwatch.GetTimestamp();
        await steps.InvokeAsync(context, new ProxiedCall(userId, key.Tier, provider, key.Source, started, arrived), next);
        metrics.RecordUpstream(provider.Id, Stopwatch.GetElapsedTime(forwarding));

        if (context.GetForwarderErrorFeature() is { } failure && !context.Response.HasStarted)
        {
            await WriteForwardingProblemAsync(context, provider, failure);
        }

        Complete(context, metrics, provider, userId, key.SourceName, started);
    }

    private static Task WriteForwardingProblemAsync(HttpContext context, Provider provider, IForwarderErrorFeature failure)
    {
        if (failure.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return Task.CompletedTask; // the client went away; nobody is listening
        }

        context.Response.Headers.Remove(KeySourceHeader);

        // Whose fault it was decides the answer: a body the client broke (bad chunking, over the
        // size limit, too slow) is the client's 4xx, with the status YARP took from Kestrel;
        // only what went wrong on the provider's side is a 502/504 naming the provider.
        if (failure.Error is ForwarderError.RequestBodyClient)
        {
            var clientFault = context.Response.StatusCode is >= 400 and < 500 ? context.Response.StatusCode : StatusCodes.Status400BadRequest;
            return ApiProblems.UnreadableBody(clientFault, context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize).ExecuteAsync(context);
        }

        var refused = ExceptionChain.Find<OutboundGuardException>(failure.Exception) is not null;
        var (status, title, detail) = failure.Error switch
        {
            _ when refused => (StatusCodes.Status502BadGateway, "Endpoint not allowed",
                "Your custom endpoint resolves to an address the gateway may not reach (loopback, private or link-local network)."),
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "Upstream timeout",
                $"{provider.Name} did not answer in time. Try again; if it keeps happening, the request may be too large for the provider."),
            // The gateway failed to build the outgoing request: nothing was sent, so not the provider's doing.
            ForwarderError.RequestCreation => (StatusCodes.Status500InternalServerError, "Request not forwarded",
                $"The gateway could not prepare this request for {provider.Name}, so nothing was sent. Contact the operator if it persists."),
            _ => (StatusCodes.Status502BadGateway, "Upstream unreachable",
                $"The gateway could not reach {provider.Name}. Try again shortly."),
        };
        return ApiProblems.Problem(status, title, detail).ExecuteAsync(context);
    }

    private void Complete(HttpContext context, ProxyMetrics metrics, Provider provider, string userId, string keySource, long started)
    {
        var status = context.Response.StatusCode;
        metrics.RecordRequest(provider.Id, keySource, status);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogProxied(logger, userId, provider.Id, keySource, status, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Proxied {Provider} call of user {UserId} with {KeySource} key: {StatusCode} in {DurationMs:0.0} ms")]
    private static partial void LogProxied(ILogger logger, string userId, string provider, string keySource, int statusCode, double durationMs);
}
