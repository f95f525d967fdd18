using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using ByokGateway.Security;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace ByokGateway.Unified;

/// <summary>
/// <c>GET /v1/models</c>: the model lists of every provider the user can use, fetched in parallel
/// with the key a proxied call would get (own or system key), each bounded by a timeout; a list
/// that fails is left out and named, never fatal. The merged answer is cached per user, in memory
/// only, under a key that includes a hash of the user's record (tier, stored keys and endpoints):
/// adding, replacing or removing a key changes the record, which the key store already
/// invalidates on every replica, so the next call misses without an invalidation path of its own.
/// </summary>
public sealed partial class UnifiedModels(
    ProviderCatalog catalog,
    KeyResolver resolver,
    IHttpClientFactory clients,
    IFusionCache cache,
    IOptions<UnifiedOptions> options,
    UnifiedMetrics metrics,
    ILogger<UnifiedModels> logger)
{
    public const string TrustedClient = "unified-models";
    public const string GuardedClient = "unified-models-user-endpoint";

    /// <summary>Largest model list read; OpenRouter's, with descriptions, is about 1 MB.</summary>
    private const int MaxListBytes = 16 * 1024 * 1024;

    public async Task<ModelListing> ListAsync(ByokRecord record, CancellationToken cancellationToken)
    {
        var seconds = options.Value.ModelsCacheSeconds;
        if (seconds == 0)
        {
            return await BuildAsync(record.UserId, cancellationToken);
        }

        return await cache.GetOrSetAsync<ModelListing>(
            CacheKey(record),
            (_, ct) => BuildAsync(record.UserId, ct),
            new FusionCacheEntryOptions
            {
                Duration = TimeSpan.FromSeconds(seconds),
                IsFailSafeEnabled = false,
                // Per replica: the key already follows the record, whose changes reach every replica.
                SkipDistributedCacheRead = true,
                SkipDistributedCacheWrite = true,
                SkipBackplaneNotifications = true,
            },
            cancellationToken);
    }

    /// <summary>The cache key: user and a hash of what decides the list (tier, providers with a key, their ciphertexts and endpoints).</summary>
    internal static string CacheKey(ByokRecord record)
    {
        var text = new StringBuilder(record.Tier).Append('\n');
        foreach (var (provider, key) in record.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append(provider).Append('\n').Append(key.Ciphertext).Append('\n').Append(key.Endpoint).Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return "byok:v1-models:" + record.UserId + ":" + Convert.ToHexString(hash, 0, 12);
    }

    private async Task<ModelListing> BuildAsync(string userId, CancellationToken cancellationToken)
    {
        var providers = await resolver.UsableProvidersAsync(catalog.All.Where(p => p.ModelList is not null), userId, cancellationToken);
        var lists = await Task.WhenAll(providers.Select(p => FetchAsync(p, userId, cancellationToken)));
        var models = new List<ListedModel>();
        var unavailable = new List<string>();
        for (var i = 0; i < providers.Count; i++)
        {
            if (lists[i] is { } list)
            {
                models.AddRange(list);
            }
            else
            {
                unavailable.Add(providers[i].Id);
            }
        }

        return new ModelListing(models, unavailable);
    }

    // Null when the list could not be had: the reason is logged and counted, never thrown.
    private async Task<List<ListedModel>?> FetchAsync(Provider provider, string userId, CancellationToken cancellationToken)
    {
        var list = provider.ModelList!;
        if (list.Ids.Count > 0)
        {
            return ModelListParser.Fixed(provider, list);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ModelsTimeout);
        try
        {
            var (key, _) = await resolver.ResolveAsync(provider, userId, timeout.Token);
            var baseUrl = key?.Endpoint ?? provider.BaseUrl;
            if (key is null || baseUrl is null)
            {
                return Failed(provider, "no key");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl.AbsoluteUri.TrimEnd('/') + list.Path);
            request.Headers.TryAddWithoutValidation(provider.AuthHeaderName, provider.AuthHeaderValue(key.Key));
            foreach (var (name, value) in provider.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var client = clients.CreateClient(provider.UserEndpoint ? GuardedClient : TrustedClient);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Failed(provider, "status " + (int)response.StatusCode);
            }

            if (response.Content.Headers.ContentLength > MaxListBytes)
            {
                return Failed(provider, "list too large");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var document = await JsonDocument.ParseAsync(new MaxLengthStream(stream, MaxListBytes), default, timeout.Token);
            return ModelListParser.Parse(document.RootElement, provider, list) ?? Failed(provider, "unexpected shape");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(provider, "timeout");
        }
        catch (HttpRequestException e) when (ExceptionChain.Find<OutboundGuardException>(e) is not null)
        {
            return Failed(provider, "endpoint refused by the outbound guard");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or IOException or Keycloak.KeycloakUnavailableException)
        {
            return Failed(provider, e.GetType().Name);
        }
    }

    private List<ListedModel>? Failed(Provider provider, string reason)
    {
        metrics.RecordModelListFailure(provider.Id);
        LogListFailed(logger, provider.Id, reason);
        return null;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Left {Provider} out of /v1/models: its model list failed ({Reason})")]
    private static partial void LogListFailed(ILogger logger, string provider, string reason);
}
