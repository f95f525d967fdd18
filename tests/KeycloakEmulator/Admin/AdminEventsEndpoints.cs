using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeycloakEmulator.Http;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>
/// <c>/admin-events</c> and <c>/events/config</c> of RealmAdminResource (Keycloak 26.2+): the admin event query
/// with JpaAdminEventQuery's semantics, readable with view-events (or manage-events).
/// </summary>
internal static class AdminEventsEndpoints
{
    private const int DefaultMaxResults = 100;

    public static RouteGroupBuilder MapAdminEventsEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/admin-events", List);
        admin.MapGet("/events/config", GetConfig);
        admin.MapPut("/events/config", (Func<HttpContext, Task<IResult>>)UpdateConfigAsync);
        return admin;
    }

    private static IResult List(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanViewEvents(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        var query = context.Request.Query;
        if (!TryTime(query["dateFrom"], endOfDay: false, out var from))
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "Invalid value for 'dateFrom', expected format is yyyy-MM-dd or an Epoch timestamp");
        }

        if (!TryTime(query["dateTo"], endOfDay: true, out var to))
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "Invalid value for 'dateTo', expected format is yyyy-MM-dd or an Epoch timestamp");
        }

        var direction = query["direction"].ToString();
        if (direction is not ("" or "asc" or "desc"))
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "Invalid value for sortDirection, expected value is asc or desc");
        }

        var operations = query["operationTypes"].Where(v => !string.IsNullOrEmpty(v)).ToHashSet(StringComparer.Ordinal);
        var resourceTypes = query["resourceTypes"].Where(v => !string.IsNullOrEmpty(v)).ToHashSet(StringComparer.Ordinal);
        var path = query["resourcePath"].ToString() is { Length: > 0 } pattern ? Like(pattern) : null;
        var first = int.TryParse(query["first"], out var f) && f >= 0 ? f : 0;
        var max = int.TryParse(query["max"], out var m) && m >= 0 ? m : DefaultMaxResults;

        lock (realm.Gate)
        {
            var events = realm.AdminEvents.Where(e =>
                (operations.Count == 0 || operations.Contains(e.OperationType))
                && (resourceTypes.Count == 0 || resourceTypes.Contains(e.ResourceType))
                && Matches(query["authRealm"], e.AuthDetails.RealmId)
                && Matches(query["authClient"], e.AuthDetails.ClientId)
                && Matches(query["authUser"], e.AuthDetails.UserId)
                && Matches(query["authIpAddress"], e.AuthDetails.IpAddress)
                && (path is null || path.IsMatch(e.ResourcePath))
                && (from is null || e.Time >= from)
                && (to is null || e.Time <= to));

            // The stored list is oldest first; Keycloak's default is newest first.
            var ordered = direction == "asc" ? events : events.Reverse();
            var page = ordered.Skip(first).Take(max).Select(e => (JsonNode)e.ToRepresentation());
            return KeycloakErrors.Json(new JsonArray(page.ToArray()));
        }
    }

    private static IResult GetConfig(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanViewEvents(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        lock (realm.Gate)
        {
            return KeycloakErrors.Json(EventsConfig(realm.Settings));
        }
    }

    private static async Task<IResult> UpdateConfigAsync(HttpContext context)
    {
        var (realm, caller) = AdminContext.Of(context);
        if (!caller.CanManageEvents(realm))
        {
            return KeycloakErrors.Forbidden();
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return KeycloakErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "Cannot parse the JSON");
        }

        lock (realm.Gate)
        {
            // RealmManager.updateRealmEventsConfig: only the members present change.
            var settings = realm.Settings;
            var wasStoring = settings.AdminEventsEnabled;
            settings.EventsEnabled = body["eventsEnabled"]?.GetValue<bool>() ?? settings.EventsEnabled;
            settings.EventsExpiration = body["eventsExpiration"]?.GetValue<long>() ?? settings.EventsExpiration;
            settings.AdminEventsEnabled = body["adminEventsEnabled"]?.GetValue<bool>() ?? settings.AdminEventsEnabled;
            settings.AdminEventsDetailsEnabled = body["adminEventsDetailsEnabled"]?.GetValue<bool>() ?? settings.AdminEventsDetailsEnabled;
            Replace(settings.EventsListeners, body["eventsListeners"]);
            Replace(settings.EnabledEventTypes, body["enabledEventTypes"]);

            // refreshRealmEventsConfig keeps a store that was open before the change: switching admin events off
            // still records this change, switching them on records it too.
            AdminEventRecorder.Record(context.RequestServices.GetRequiredService<TimeProvider>(), realm, AdminEventRecorder.AuthDetailsOf(context, caller),
                "UPDATE", "REALM", "events/config", body, force: wasStoring || settings.AdminEventsEnabled);
        }

        return Results.NoContent();
    }

    private static JsonObject EventsConfig(RealmSettings settings)
    {
        var config = new JsonObject
        {
            ["eventsEnabled"] = settings.EventsEnabled,
            ["eventsListeners"] = new JsonArray(settings.EventsListeners.Select(l => (JsonNode)l).ToArray()),
            ["enabledEventTypes"] = new JsonArray(settings.EnabledEventTypes.Select(t => (JsonNode)t).ToArray()),
            ["adminEventsEnabled"] = settings.AdminEventsEnabled,
            ["adminEventsDetailsEnabled"] = settings.AdminEventsDetailsEnabled,
        };
        if (settings.EventsExpiration != 0)
        {
            config["eventsExpiration"] = settings.EventsExpiration;
        }

        return config;
    }

    private static void Replace(List<string> target, JsonNode? values)
    {
        if (values is JsonArray array)
        {
            target.Clear();
            target.AddRange(array.Select(v => v!.GetValue<string>()));
        }
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues filter, string? value) =>
        filter.Count == 0 || string.Equals(filter.ToString(), value, StringComparison.Ordinal);

    /// <summary>DateUtil.toStartOfDay / toEndOfDay: a value with '-' is a UTC date (yyyy-MM-dd), anything else epoch milliseconds.</summary>
    private static bool TryTime(Microsoft.Extensions.Primitives.StringValues raw, bool endOfDay, out long? millis)
    {
        millis = null;
        var text = raw.ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (text.Contains('-', StringComparison.Ordinal))
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return false;
            }

            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            millis = endOfDay ? start.AddDays(1).ToUnixTimeMilliseconds() - 1 : start.ToUnixTimeMilliseconds();
            return true;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            millis = value;
            return true;
        }

        return false;
    }

    /// <summary>JpaAdminEventQuery.resourcePath: SQL LIKE with '*' turned into '%' (so '%' and '_' are wildcards too).</summary>
    private static Regex Like(string pattern)
    {
        var regex = string.Concat(pattern.Select(c => c switch
        {
            '*' or '%' => ".*",
            '_' => ".",
            _ => Regex.Escape(c.ToString()),
        }));
        return new Regex("^" + regex + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
