using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keycloak;

/// <summary>
/// The sidecar's own access token (client-credentials grant of <c>byok-sidecar</c>), cached until
/// 30 seconds before it expires and refreshed by one caller at a time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The SemaphoreSlim's wait handle is never used, so it holds nothing to dispose; see the field.")]
public sealed partial class ServiceAccountTokenProvider(
    HttpClient http,
    IOptions<KeycloakOptions> options,
    TimeProvider time,
    ILogger<ServiceAccountTokenProvider> logger)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    // Never disposed: a SemaphoreSlim whose wait handle is not used holds nothing to release, and
    // disposing it at shutdown made a refresh still in flight (a background check) fail on Release.
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedToken? _current;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } token && token.RefreshAt > time.GetUtcNow())
        {
            return token.Value;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the lock before us may already have refreshed it.
            if (_current is { } refreshed && refreshed.RefreshAt > time.GetUtcNow())
            {
                return refreshed.Value;
            }

            _current = await RequestTokenAsync(cancellationToken);
            return _current.Value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Drops the cached token if it is still <paramref name="rejected"/> (after a 401).</summary>
    public void Invalidate(string rejected)
    {
        var current = _current;
        if (current is not null && current.Value == rejected)
        {
            Interlocked.CompareExchange(ref _current, null, current);
        }
    }

    private async Task<CachedToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId,
            ["client_secret"] = settings.ClientSecret ?? string.Empty,
        });

        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(KeycloakRoutes.Token(settings.Realm), form, cancellationToken);
        }
        catch (Exception e) when (KeycloakAdminClient.IsTransportFailure(e, cancellationToken))
        {
            LogTokenUnavailable(logger, e.GetType().Name);
            throw new KeycloakUnavailableException("Keycloak's token endpoint could not be reached.", e);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new KeycloakUnavailableException($"Keycloak's token endpoint answered {(int)response.StatusCode}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                LogTokenRefused(logger, (int)response.StatusCode, settings.ClientId);
                throw new KeycloakRequestException(
                    response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest
                        ? $"Keycloak refused the client credentials of '{settings.ClientId}': check Keycloak:ClientSecret (BYOK_SIDECAR_SECRET) and that the client has service accounts enabled."
                        : $"Keycloak's token endpoint answered {(int)response.StatusCode}.",
                    response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new KeycloakRequestException("Keycloak's token endpoint returned an empty body.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(body.ExpiresIn, 0));
            var margin = lifetime > RefreshMargin * 2 ? RefreshMargin : lifetime / 2;
            return new CachedToken(body.AccessToken, time.GetUtcNow() + lifetime - margin);
        }
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Keycloak token endpoint unreachable ({Failure})")]
    private static partial void LogTokenUnavailable(ILogger logger, string failure);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Keycloak refused the service-account token request of client {ClientId} with status {Status}")]
    private static partial void LogTokenRefused(ILogger logger, int status, string clientId);
}
