using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keycloak;

/// <summary>
/// The slice of Keycloak's Admin REST API the sidecar needs, authenticated as the
/// <c>byok-sidecar</c> service account. Users travel as raw JSON so that a read-modify-write
/// PUT sends back every field Keycloak returned, including ones this code does not know.
/// </summary>
public sealed partial class KeycloakAdminClient(
    HttpClient http,
    ServiceAccountTokenProvider tokens,
    IOptions<KeycloakOptions> options,
    KeycloakMetrics metrics,
    ILogger<KeycloakAdminClient> logger)
{
    private const string UserRoles = "view-users and manage-users";
    private const string EventRoles = "view-events";

    private static readonly string[] ErrorFields = ["error", "errorMessage", "field"];

    private string Realm => options.Value.Realm;

    /// <summary>The full user representation, or null when the user does not exist.</summary>
    public async Task<JsonObject?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, KeycloakRoutes.User(Realm, userId), null, "get_user", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "read a user", cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <summary>
    /// PUTs the full representation back. Keycloak replaces the user with it: whatever the body
    /// lacks is deleted, which is why callers always start from <see cref="GetUserAsync"/>.
    /// </summary>
    public async Task<bool> UpdateUserAsync(string userId, JsonObject user, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, KeycloakRoutes.User(Realm, userId), user, "update_user", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "update a user", cancellationToken);
        return true;
    }

    /// <summary>Every user of the realm with attributes, page by page.</summary>
    public async IAsyncEnumerable<JsonObject> ListUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = options.Value.PageSize;
        for (var first = 0; ; first += pageSize)
        {
            using var response = await SendAsync(HttpMethod.Get, KeycloakRoutes.Users(Realm, first, pageSize), null, "list_users", cancellationToken);
            await EnsureSuccessAsync(response, "list users", cancellationToken);
            var page = await response.Content.ReadFromJsonAsync<JsonArray>(cancellationToken) ?? [];
            foreach (var user in page.OfType<JsonObject>())
            {
                yield return user;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>The realm's declarative user-profile configuration (UPConfig).</summary>
    public async Task<JsonObject> GetUserProfileConfigAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, KeycloakRoutes.UserProfile(Realm), null, "get_user_profile", cancellationToken);
        await EnsureSuccessAsync(response, "read the user profile configuration", cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <summary>Admin events of users and components with <c>time</c> at or after <paramref name="fromMillis"/>, oldest first (one page).</summary>
    public Task<IReadOnlyList<KeycloakAdminEvent>> GetAdminEventsAsync(long fromMillis, int first, int max, CancellationToken cancellationToken) =>
        GetAdminEventsAsync(KeycloakRoutes.AdminEvents(Realm, fromMillis, first, max), cancellationToken);

    /// <summary>The newest admin event of users and components, or null when the realm has none.</summary>
    public async Task<KeycloakAdminEvent?> GetNewestAdminEventAsync(CancellationToken cancellationToken)
    {
        var newest = await GetAdminEventsAsync(KeycloakRoutes.AdminEvents(Realm, null, 0, 1), cancellationToken);
        return newest.Count > 0 ? newest[0] : null;
    }

    /// <summary>The realm's events configuration (RealmEventsConfigRepresentation: <c>adminEventsEnabled</c>, ...).</summary>
    public async Task<JsonObject> GetEventsConfigAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, KeycloakRoutes.EventsConfig(Realm), null, "get_events_config", cancellationToken);
        await EnsureSuccessAsync(response, "read the realm's events configuration", cancellationToken, EventRoles);
        return await ReadObjectAsync(response, cancellationToken);
    }

    private async Task<IReadOnlyList<KeycloakAdminEvent>> GetAdminEventsAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, "list_admin_events", cancellationToken);
        await EnsureSuccessAsync(response, "read admin events", cancellationToken, EventRoles);
        return await response.Content.ReadFromJsonAsync<List<KeycloakAdminEvent>>(cancellationToken) ?? [];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var token = await tokens.GetTokenAsync(cancellationToken);
            var response = await SendOnceAsync(method, path, body, token, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // The token may have been revoked or the realm keys rotated: one fresh token, one retry.
                response.Dispose();
                tokens.Invalidate(token);
                token = await tokens.GetTokenAsync(cancellationToken);
                response = await SendOnceAsync(method, path, body, token, cancellationToken);
            }

            outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return response;
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            outcome = "unreachable";
            LogUnreachable(logger, operation, e.GetType().Name);
            throw new KeycloakUnavailableException("Keycloak could not be reached.", e);
        }
        finally
        {
            metrics.RecordCall(operation, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, JsonObject? body, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken, string roles = UserRoles)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            throw new KeycloakUnavailableException($"Keycloak answered {status} when asked to {action}.");
        }

        // Only Keycloak's error code and field name are logged: its "params" can echo values.
        LogRefused(logger, action, status, await DescribeErrorAsync(response, cancellationToken));
        var advice = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "the service account token was rejected",
            HttpStatusCode.Forbidden => $"the '{options.Value.ClientId}' service account lacks the realm-management role(s) {roles}",
            _ => $"Keycloak answered {status}",
        };
        throw new KeycloakRequestException($"Keycloak refused to {action}: {advice}.", response.StatusCode);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new KeycloakRequestException("Keycloak returned an empty body.");

    private static async Task<string> DescribeErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            var parts = ErrorFields
                .Select(name => body?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? $"{name}={text}" : null)
                .OfType<string>();
            return string.Join(' ', parts);
        }
        catch (System.Text.Json.JsonException)
        {
            return "(no JSON error body)";
        }
    }

    /// <summary>Connection failures and timeouts, but not the caller's own cancellation.</summary>
    internal static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || (e is TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Keycloak unreachable during {Operation} ({Failure})")]
    private static partial void LogUnreachable(ILogger logger, string operation, string failure);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Keycloak refused to {Action} with status {Status}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string action, int status, string detail);
}
