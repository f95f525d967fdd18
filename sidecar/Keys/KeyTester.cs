using System.Diagnostics;
using System.Net;
using System.Text;
using ByokGateway.Hosting;
using ByokGateway.Providers;
using ByokGateway.Security;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keys;

/// <summary>
/// Sends a provider's catalogue test request with a user's key. Requests to user-supplied
/// endpoints go through the <see cref="OutboundGuard"/>; none follows redirects. The provider's
/// response body is never read into the result: some providers echo part of the key in it.
/// </summary>
public sealed partial class KeyTester(IHttpClientFactory clients, IOptions<ByokOptions> options, ILogger<KeyTester> logger)
{
    public const string TrustedClient = "provider-test";
    public const string GuardedClient = "user-endpoint-test";

    public async Task<KeyTestResult> TestAsync(Provider provider, string key, string? endpoint, CancellationToken cancellationToken)
    {
        var baseUrl = provider.UserEndpoint ? endpoint : (provider.Test.BaseUrl ?? provider.BaseUrl)?.ToString();
        if (string.IsNullOrEmpty(baseUrl))
        {
            return new KeyTestResult(KeyTestResult.Error, "This key has no endpoint to test against.", "no endpoint");
        }

        var url = new Uri(baseUrl.TrimEnd('/') + "/" + provider.Test.Path.TrimStart('/'));
        var target = $"{provider.Test.Method} {url.GetLeftPart(UriPartial.Path)}";
        using var request = new HttpRequestMessage(new HttpMethod(provider.Test.Method), url);
        request.Headers.TryAddWithoutValidation(provider.AuthHeaderName, provider.AuthHeaderValue(key));
        foreach (var (name, value) in provider.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (provider.Test.Body is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.KeyTestTimeout);
        var client = clients.CreateClient(provider.UserEndpoint ? GuardedClient : TrustedClient);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogTested(logger, provider.Id, status, elapsed.TotalMilliseconds);
            var details = $"{target} answered {status} {response.ReasonPhrase}".TrimEnd();
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => new KeyTestResult(KeyTestResult.Valid, $"{provider.Name} accepted the key.", details),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    new KeyTestResult(KeyTestResult.Invalid, $"{provider.Name} rejected the key: check that it is complete, active and has not been revoked.", details),
                HttpStatusCode.TooManyRequests =>
                    new KeyTestResult(KeyTestResult.Error, $"{provider.Name} is rate-limiting this key; try the test again later.", details),
                _ => new KeyTestResult(KeyTestResult.Error, $"{provider.Name} answered with an unexpected status ({status}); the key could not be verified.", details),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new KeyTestResult(KeyTestResult.Error, $"{provider.Name} did not answer within {options.Value.KeyTestTimeout.TotalSeconds:0} seconds.", $"{target} timed out");
        }
        catch (HttpRequestException e) when (ExceptionChain.Find<OutboundGuardException>(e) is { } refusal)
        {
            LogRefused(logger, provider.Id);
            return new KeyTestResult(KeyTestResult.Error, "The endpoint is not allowed: " + refusal.Message, $"{target} refused by the outbound guard");
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, provider.Id, e.HttpRequestError.ToString());
            return new KeyTestResult(KeyTestResult.Error, $"{provider.Name} could not be reached.", $"{target} failed: {Describe(e.HttpRequestError)}");
        }
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "the host name could not be resolved",
        HttpRequestError.ConnectionError => "the connection could not be established",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        _ => "the request failed",
    };

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Key test for {Provider} answered {Status} in {ElapsedMs:0} ms")]
    private static partial void LogTested(ILogger logger, string provider, int status, double elapsedMs);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Key test for {Provider} refused by the outbound guard")]
    private static partial void LogRefused(ILogger logger, string provider);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Key test for {Provider} could not reach the provider ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string provider, string error);
}
