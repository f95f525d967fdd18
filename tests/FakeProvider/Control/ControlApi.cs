using Microsoft.AspNetCore.Http.HttpResults;
using FakeProvider.Auth;
using FakeProvider.Recording;

namespace FakeProvider.Control;

/// <summary>
/// Test-only control endpoints, all under <c>/_fake/</c> and without authentication. There is
/// deliberately no way to read the accepted keys back.
/// </summary>
internal static class ControlApi
{
    public const string Prefix = "/_fake";

    public static bool Owns(PathString path) => path.StartsWithSegments(Prefix);

    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(Prefix);
        control.MapGet("/health", Health);
        control.MapGet("/requests", ListRequests);
        control.MapDelete("/requests", ClearRequests);
        control.MapPost("/gates/{name}/open", OpenGate);
        control.MapPost("/gates/{name}/reset", ResetGate);
        control.MapPut("/keys", ReplaceKeys);
        return app;
    }

    private static Ok<HealthStatus> Health() => TypedResults.Ok(new HealthStatus("ok"));

    private static Ok<IReadOnlyList<RecordedRequest>> ListRequests(RequestLog log) => TypedResults.Ok(log.Snapshot());

    private static NoContent ClearRequests(RequestLog log)
    {
        log.Clear();
        return TypedResults.NoContent();
    }

    private static NoContent OpenGate(string name, GateRegistry gates)
    {
        gates.Open(name);
        return TypedResults.NoContent();
    }

    private static NoContent ResetGate(string name, GateRegistry gates)
    {
        gates.Reset(name);
        return TypedResults.NoContent();
    }

    private static Results<NoContent, ValidationProblem> ReplaceKeys(string?[] keys, KeyStore store, ILogger<KeyStore> logger)
    {
        if (keys.Any(k => string.IsNullOrWhiteSpace(k) || k.Trim() != k))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["keys"] = ["Send a JSON array of non-empty keys without surrounding whitespace, e.g. [\"sk-test-1\"]."],
            });
        }

        store.Replace(keys!);
        logger.KeysReplaced(keys.Length);
        return TypedResults.NoContent();
    }

    private sealed record HealthStatus(string Status);
}
