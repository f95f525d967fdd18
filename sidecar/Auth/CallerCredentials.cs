using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ByokGateway.Auth;

/// <summary>
/// Where callers put their Keycloak token. Official LLM SDKs send their "API key" in the header of
/// their provider, so the token is also accepted there, which lets them work unchanged with
/// <c>api_key=&lt;token&gt;</c>. The proxy strips all of these before forwarding.
/// </summary>
public static class CallerCredentials
{
    /// <summary>Headers that can carry the caller's credential; none of them reaches a provider.</summary>
    public static readonly string[] Headers = ["Authorization", "x-api-key", "x-goog-api-key", "api-key"];

    // The last Authorization header seen on this thread and the token in it. A client sends the
    // same header with every call, and cutting a fresh copy of a ~1.5 KB token out of it on every
    // request was the largest allocation of a proxied call.
    [ThreadStatic]
    private static (string Header, string Token)? _lastBearer;

    public static Task ReadToken(MessageReceivedContext context)
    {
        var headers = context.Request.Headers;
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Token = BearerToken(authorization);
            return Task.CompletedTask;
        }

        foreach (var header in Headers.AsSpan(1))
        {
            if (headers.TryGetValue(header, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                context.Token = value.ToString().Trim();
                return Task.CompletedTask;
            }
        }

        return Task.CompletedTask;
    }

    private static string BearerToken(string authorization)
    {
        if (_lastBearer is { } last && string.Equals(last.Header, authorization, StringComparison.Ordinal))
        {
            return last.Token;
        }

        var token = authorization["Bearer ".Length..].Trim();
        _lastBearer = (authorization, token);
        return token;
    }
}
