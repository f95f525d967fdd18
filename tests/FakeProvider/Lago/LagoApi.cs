using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FakeProvider.Lago;

/// <summary>
/// A Lago stand-in for <c>make dev</c>, under <c>/lago</c>: the gateway's <c>Billing:Lago:Url</c> is
/// <c>http://127.0.0.1:8190/lago</c>, so its events reach <c>POST /lago/api/v1/events/batch</c>, which
/// answers as Lago's events API does (see <see cref="LagoBatchSchema"/>). <c>GET /lago/events</c> is
/// not Lago's: a development listing of what was stored, outside Lago's <c>/api/v1</c> paths and, like
/// <c>/_fake/</c>, without authentication. Provider keys play no part here; the Lago API key is
/// <see cref="FakeProviderOptions.LagoApiKey"/>.
/// </summary>
internal static class LagoApi
{
    public const string Prefix = "/lago";

    public static bool Owns(PathString path) => path.StartsWithSegments(Prefix);

    public static IEndpointRouteBuilder MapLago(this IEndpointRouteBuilder app)
    {
        var lago = app.MapGroup(Prefix);
        lago.MapPost("/api/v1/events/batch", BatchAsync);
        lago.MapGet("/events", (LagoEventStore store) => TypedResults.Ok(store.Snapshot()));
        lago.MapFallback(() => Error(StatusCodes.Status404NotFound, "Not Found", "not_found"));
        return app;
    }

    private static async Task<IResult> BatchAsync(HttpContext context, IOptions<FakeProviderOptions> options, LagoEventStore store)
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString(), options.Value.LagoApiKey))
        {
            return Error(StatusCodes.Status401Unauthorized, "Unauthorized", "unauthorized");
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Error(StatusCodes.Status400BadRequest, "Bad Request", "bad_request");
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return Error(StatusCodes.Status400BadRequest, "Bad Request", "bad_request");
        }

        if (LagoBatchSchema.Check(body, out var events) is { } invalid)
        {
            return ValidationErrors(invalid);
        }

        // All or nothing, as Lago saves a batch in one transaction; a transaction_id it already has
        // refuses the batch as value_already_exist (unique per subscription in Lago).
        var repeats = store.TryStore(events);
        if (repeats.Count > 0)
        {
            var details = new JsonObject();
            foreach (var index in repeats)
            {
                details[index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["transaction_id"] = new JsonArray("value_already_exist") };
            }

            return ValidationErrors(details);
        }

        return TypedResults.Json(new JsonObject { ["events"] = new JsonArray([.. events.Select(e => e.DeepClone())]) });
    }

    private static bool Authorized(string authorization, string? apiKey)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(apiKey) || !authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[scheme.Length..]), Encoding.UTF8.GetBytes(apiKey));
    }

    private static JsonHttpResult<JsonObject> ValidationErrors(JsonObject details) =>
        TypedResults.Json(new JsonObject
        {
            ["status"] = 422,
            ["error"] = "Unprocessable Entity",
            ["code"] = "validation_errors",
            ["error_details"] = details,
        }, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static JsonHttpResult<JsonObject> Error(int status, string error, string code) =>
        TypedResults.Json(new JsonObject { ["status"] = status, ["error"] = error, ["code"] = code }, statusCode: status);
}
