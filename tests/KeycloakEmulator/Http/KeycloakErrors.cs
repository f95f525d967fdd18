using System.Text.Json.Nodes;
using KeycloakEmulator.Profile;

namespace KeycloakEmulator.Http;

/// <summary>Keycloak's error bodies: OAuth2ErrorRepresentation (<c>error</c>) and ErrorRepresentation (<c>errorMessage</c>).</summary>
internal static class KeycloakErrors
{
    public static IResult OAuth(int status, string error, string? description = null)
    {
        var body = new JsonObject { ["error"] = error };
        if (description is not null)
        {
            body["error_description"] = description;
        }

        return Json(body, status);
    }

    public static IResult Unauthorized() => OAuth(StatusCodes.Status401Unauthorized, "HTTP 401 Unauthorized");

    public static IResult Forbidden() => OAuth(StatusCodes.Status403Forbidden, "HTTP 403 Forbidden");

    public static IResult NotFound(string message) => OAuth(StatusCodes.Status404NotFound, message);

    public static IResult ErrorMessage(int status, string message) => Json(new JsonObject { ["errorMessage"] = message }, status);

    /// <summary>ErrorResponse.errors: one error is sent bare, several inside <c>{"errors":[...]}</c>.</summary>
    public static IResult Validation(IReadOnlyList<ProfileValidationError> errors)
    {
        static JsonObject One(ProfileValidationError e) => new()
        {
            ["field"] = e.Field,
            ["errorMessage"] = e.ErrorMessage,
            ["params"] = new JsonArray(e.Params.Select(p => p switch
            {
                null => null,
                int i => JsonValue.Create(i),
                _ => (JsonNode?)JsonValue.Create(p.ToString()),
            }).ToArray()),
        };

        JsonObject body = errors.Count == 1 ? One(errors[0]) : new JsonObject { ["errors"] = new JsonArray(errors.Select(e => (JsonNode)One(e)).ToArray()) };
        return Json(body, StatusCodes.Status400BadRequest);
    }

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);
}
