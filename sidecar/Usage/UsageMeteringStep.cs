using System.Diagnostics;
using ByokGateway.Proxy;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace ByokGateway.Usage;

/// <summary>
/// Meters every proxied call (DESIGN.md §12): the response body goes to the client through a
/// <see cref="UsageTap"/>, and when the call ends one <see cref="UsageRecord"/> goes to every
/// <see cref="IUsageSink"/>. Runs after the limits step, which may mark the call
/// (<see cref="UsageRequired"/>) before it gets here.
/// </summary>
public sealed partial class UsageMeteringStep(
    IEnumerable<IUsageSink> sinks,
    IOptions<UsageOptions> options,
    ILogger<UsageMeteringStep> logger) : IForwardingStep
{
    private static readonly PathString ChatCompletions = "/chat/completions";

    private readonly IUsageSink[] _sinks = [.. sinks];
    private readonly bool _requestStreamUsage = options.Value.RequestStreamUsage;

    public async Task InvokeAsync(HttpContext context, ProxiedCall proxiedCall, Func<Task> forward)
    {
        var request = context.Request;

        // Usage is read from the response bytes, and a gzip or br body cannot be read from its
        // tail: it would have to be inflated whole, on every call. So the provider is asked for
        // identity (no Accept-Encoding is forwarded). The cost is a few uncompressed KB of JSON
        // between the gateway and the provider; a provider that compresses anyway is passed
        // through untouched and its usage recorded as unknown.
        request.Headers.Remove(HeaderNames.AcceptEncoding);

        var injection = AsksForStreamUsage(context, proxiedCall) ? AttachStreamUsage(request) : null;
        var response = context.Response;
        var client = response.Body;
        var tap = new UsageTap(client, response, injection);
        response.Body = tap;
        try
        {
            await forward();
            await DrainAsync(context, tap);
        }
        finally
        {
            response.Body = client;
            Record(context, proxiedCall, tap);
            tap.Dispose();
        }
    }

    // An event the hider still holds (a stream that did not end with a blank line) goes out too.
    private static async Task DrainAsync(HttpContext context, UsageTap tap)
    {
        try
        {
            await tap.DrainAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // the client went away; nobody is listening
        }
    }

    // Calls whose tokens matter: the operator's key pays, or a token limit counts them.
    private bool AsksForStreamUsage(HttpContext context, ProxiedCall call)
    {
        var request = context.Request;
        return _requestStreamUsage
            && (call.Source == KeySource.System || UsageRequired.IsMarked(context))
            && call.Provider.OpenAiPath is not null
            && HttpMethods.IsPost(request.Method)
            && request.Path.Value is { } path && path.EndsWith(ChatCompletions.Value!, StringComparison.Ordinal)
            && request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && request.Headers.ContentEncoding.Count == 0;
    }

    private static StreamUsageRequest AttachStreamUsage(HttpRequest request)
    {
        var body = new StreamUsageRequest(request.Body);
        request.Body = body;
        if (request.ContentLength is { } length)
        {
            request.ContentLength = length + StreamUsageRequest.Extra;
        }

        return body;
    }

    private void Record(HttpContext context, ProxiedCall call, UsageTap tap)
    {
        var failed = context.GetForwarderErrorFeature() is not null;
        var usage = failed || tap.Encoded || tap.FirstByte == 0
            ? default
            : UsageParser.Parse(tap.HeadFacts(), tap.Tail());
        var record = new UsageRecord
        {
            Id = Guid.CreateVersion7(call.Arrived),
            Timestamp = call.Arrived,
            UserId = call.UserId,
            Tier = call.Tier,
            Provider = call.Provider.Id,
            Model = usage.Model ?? RequestedModel.Get(context) ?? PathModel(context.Request.Path),
            KeySource = call.SourceName,
            InputTokens = usage.InputTokens,
            OutputTokens = usage.InputTokens is null ? null : usage.OutputTokens,
            CachedTokens = usage.InputTokens is null ? null : usage.CachedTokens,
            Status = context.Response.StatusCode,
            DurationMs = Stopwatch.GetElapsedTime(call.Started).TotalMilliseconds,
            TimeToFirstByteMs = tap.FirstByte == 0 ? null : Stopwatch.GetElapsedTime(call.Started, tap.FirstByte).TotalMilliseconds,
            EstimatedTokens = usage.InputTokens is null && context.Response.StatusCode is >= 200 and < 300 ? Estimate(context, tap) : null,
        };

        foreach (var sink in _sinks)
        {
            try
            {
                sink.Record(record);
            }
#pragma warning disable CA1031 // a sink's failure must never fail the call it meters
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSinkFailed(logger, sink.GetType().Name, e.GetType().Name, record.Id);
            }
        }
    }

    // Gemini's native API names the model in the path: /gemini/v1beta/models/{model}:generateContent.
    // A successful call whose usage never came (a client that turned stream usage off, a stream the
    // client cut before its usage chunk) still spent tokens: budgets charge this estimate, about four
    // bytes of request per input token and one token per streamed event (else four bytes of answer),
    // so that hiding usage is no way around a token budget.
    private static long Estimate(HttpContext context, UsageTap tap) =>
        ((context.Request.ContentLength ?? 0) / 4) + (tap.EventStream ? tap.Events : tap.Written / 4);

    private static string? PathModel(PathString path)
    {
        var value = path.Value.AsSpan();
        var models = value.IndexOf("/models/", StringComparison.Ordinal);
        if (models < 0)
        {
            return null;
        }

        var name = value[(models + "/models/".Length)..];
        var action = name.IndexOf(':');
        return action > 0 && action <= UsageParser.MaxModelLength && name[..action].IndexOf('/') < 0 ? name[..action].ToString() : null;
    }

    [LoggerMessage(EventId = 13001, Level = LogLevel.Error,
        Message = "Usage sink {Sink} failed with {ExceptionType} on record {RecordId}; the call went on")]
    private static partial void LogSinkFailed(ILogger logger, string sink, string exceptionType, Guid recordId);
}
