using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// A stand-in for Lago's events API on a real loopback port (Lago cannot run here). It checks
/// every request strictly against Lago's documented contract — <c>POST /api/v1/events/batch</c>,
/// <c>Authorization: Bearer &lt;api key&gt;</c>, JSON body <c>{"events":[...]}</c> of 1 to 100 events,
/// each exactly <c>transaction_id</c>, <c>external_subscription_id</c>, <c>code</c> (strings),
/// <c>timestamp</c> (integer Unix seconds) and <c>properties</c> (flat object) — and answers like
/// Lago: the batch is stored all or nothing, an invalid one gets 422 <c>validation_errors</c> with
/// <c>error_details</c> by event index, a <c>transaction_id</c> it already has is refused as
/// <c>value_already_exist</c>. It records what it stored by <c>transaction_id</c>, and fails on
/// demand: any status, a hang, or no listener at all (stopped, same port when started again).
/// </summary>
public sealed class RecordingLagoServer : IAsyncDisposable
{
    public const string ApiKey = "lago-test-api-key-0123456789abcdef";

    private readonly ConcurrentDictionary<string, JsonObject> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _storedCount = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _duplicates = new();
    private readonly ConcurrentDictionary<string, bool> _refusedSubscriptions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _port;
    private WebApplication? _app;
    private int? _failStatus;
    private bool _loseAnswers;
    private TaskCompletionSource? _hang;
    private int _requests;
    private int _batchSizeMax;

    private RecordingLagoServer(int port)
    {
        _port = port;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Url { get; }

    /// <summary>Requests that reached the events endpoint (including refused and failed ones).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The largest number of events one request carried.</summary>
    public int LargestBatch => Volatile.Read(ref _batchSizeMax);

    /// <summary>Stored events by <c>transaction_id</c>.</summary>
    public IReadOnlyDictionary<string, JsonObject> Stored => _stored;

    /// <summary>How many times each <c>transaction_id</c> was stored (more than 1 = billed twice).</summary>
    public IReadOnlyDictionary<string, int> StoredCount => _storedCount;

    /// <summary>Every way a request broke Lago's documented contract.</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary><c>transaction_id</c>s sent again after Lago had stored them.</summary>
    public IReadOnlyCollection<string> Duplicates => _duplicates;

    public static async Task<RecordingLagoServer> StartAsync()
    {
        var server = new RecordingLagoServer(ServerAddress.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Answers every request with <paramref name="status"/> (e.g. 503, 429, 500) until <see cref="Recover"/>.</summary>
    public void FailWith(int status)
    {
        lock (_gate)
        {
            _failStatus = status;
        }
    }

    /// <summary>Stores valid batches but answers 503, as when Lago's answer is lost on the way back, until <see cref="Recover"/>.</summary>
    public void LoseAnswers()
    {
        lock (_gate)
        {
            _loseAnswers = true;
        }
    }

    /// <summary>Holds every request without answering until <see cref="Recover"/> (the client's timeout ends it).</summary>
    public void Hang()
    {
        lock (_gate)
        {
            _hang ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Back to normal: no failure, no hang (held requests are then refused with 503, not stored).</summary>
    public void Recover()
    {
        lock (_gate)
        {
            _failStatus = null;
            _loseAnswers = false;
            _hang?.TrySetResult();
            _hang = null;
        }
    }

    /// <summary>Events for this subscription are refused as invalid (422), as Lago refuses an unknown subscription.</summary>
    public void RefuseSubscription(string externalSubscriptionId) => _refusedSubscriptions[externalSubscriptionId] = true;

    public void AcceptSubscription(string externalSubscriptionId) => _refusedSubscriptions.TryRemove(externalSubscriptionId, out _);

    /// <summary>Stops listening: connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            Recover();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url.ToString());
        var app = builder.Build();
        app.MapPost("/api/v1/events/batch", (Func<HttpContext, Task<IResult>>)HandleAsync);
        app.MapFallback(context =>
        {
            _violations.Enqueue($"{context.Request.Method} {context.Request.Path}: not Lago's events endpoint");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        _app = app;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        int? failStatus;
        Task? hang;
        lock (_gate)
        {
            failStatus = _failStatus;
            hang = _hang?.Task;
        }

        if (hang is not null)
        {
            try
            {
                await hang.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }

            return Results.Json(new { status = 503, error = "Service Unavailable" }, statusCode: 503);
        }

        if (failStatus is { } status)
        {
            return Results.Json(new { status, error = "Failure on demand" }, statusCode: status);
        }

        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            _violations.Enqueue("Authorization is not 'Bearer <api key>'");
            return Results.Json(new { status = 401, error = "Unauthorized", code = "unauthorized" }, statusCode: 401);
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            _violations.Enqueue($"Content-Type is '{context.Request.ContentType}', not application/json");
            return Results.BadRequest();
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            _violations.Enqueue("body is not JSON");
            return Results.BadRequest();
        }

        if (Check(body) is { } violation)
        {
            _violations.Enqueue(violation);
            return Results.Json(new { status = 422, error = "Unprocessable Entity", code = "validation_errors", error_details = new { events = new[] { violation } } }, statusCode: 422);
        }

        var events = body!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var size = events.Count;
        int seen;
        while ((seen = Volatile.Read(ref _batchSizeMax)) < size && Interlocked.CompareExchange(ref _batchSizeMax, size, seen) != seen)
        {
        }

        // Validated as a whole before anything is stored, as Lago's batch service does.
        var errors = new Dictionary<string, object>();
        lock (_gate)
        {
            for (var i = 0; i < events.Count; i++)
            {
                var id = events[i]["transaction_id"]!.GetValue<string>();
                if (_refusedSubscriptions.ContainsKey(events[i]["external_subscription_id"]!.GetValue<string>()))
                {
                    errors[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new { external_subscription_id = new[] { "subscription_not_found" } };
                }
                else if (_stored.ContainsKey(id))
                {
                    _duplicates.Enqueue(id);
                    errors[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new { transaction_id = new[] { "value_already_exist" } };
                }
            }

            if (errors.Count == 0)
            {
                foreach (var e in events)
                {
                    var id = e["transaction_id"]!.GetValue<string>();
                    _stored[id] = (JsonObject)e.DeepClone();
                    _storedCount.AddOrUpdate(id, 1, (_, n) => n + 1);
                }
            }
        }

        bool lose;
        lock (_gate)
        {
            lose = _loseAnswers;
        }

        if (lose && errors.Count == 0)
        {
            return Results.Json(new { status = 503, error = "Service Unavailable" }, statusCode: 503);
        }

        return errors.Count == 0
            ? Results.Json(new { events = events.Select(e => e.DeepClone()).ToArray() })
            : Results.Json(new { status = 422, error = "Unprocessable Entity", code = "validation_errors", error_details = errors }, statusCode: 422);
    }

    private static readonly HashSet<string> EventFields = ["transaction_id", "external_subscription_id", "code", "timestamp", "properties"];

    /// <summary>What about the body breaks the documented schema, or null.</summary>
    internal static string? Check(JsonNode? body)
    {
        if (body is not JsonObject root || root.Count != 1 || root["events"] is not JsonArray events)
        {
            return "body must be exactly {\"events\":[...]}";
        }

        if (events.Count is 0 or > 100)
        {
            return $"a batch holds 1 to 100 events, not {events.Count}";
        }

        foreach (var node in events)
        {
            if (node is not JsonObject e)
            {
                return "an event is not an object";
            }

            if (e.Select(p => p.Key).FirstOrDefault(k => !EventFields.Contains(k)) is { } unknown)
            {
                return $"unknown event field '{unknown}'";
            }

            foreach (var field in new[] { "transaction_id", "external_subscription_id", "code" })
            {
                if (e[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(value.GetValue<string>()))
                {
                    return $"'{field}' must be a non-empty string";
                }
            }

            if (e["timestamp"] is not JsonValue timestamp || timestamp.GetValueKind() != JsonValueKind.Number || !timestamp.TryGetValue<long>(out var seconds)
                || seconds < 1_000_000_000 || seconds > 10_000_000_000)
            {
                return "'timestamp' must be an integer of Unix seconds";
            }

            if (e["properties"] is not JsonObject properties)
            {
                return "'properties' must be an object";
            }

            if (properties.Any(p => p.Value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)))
            {
                return "'properties' values must be strings or numbers";
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
