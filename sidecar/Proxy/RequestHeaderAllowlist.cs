using System.Collections.Frozen;
using ByokGateway.Auth;

namespace ByokGateway.Proxy;

/// <summary>
/// The request headers the proxy forwards to providers; every other header stays at the gateway.
/// An allowlist, not a list of headers to remove: front proxies, CDNs and identity-aware proxies
/// keep adding headers with the caller's address or identity (True-Client-IP, CF-Connecting-IP,
/// X-Goog-Authenticated-User-Email, ...), and a denylist leaks each new one until someone
/// notices. An allowlist fails visibly instead (a provider feature that needs a header missing
/// here), and the operator adds it with <see cref="ProxyOptions.AdditionalRequestHeaders"/>.
/// </summary>
public sealed class RequestHeaderAllowlist
{
    /// <summary>What any provider needs: the body's description, content negotiation, which client calls.</summary>
    public static readonly string[] StandardHeaders =
        ["Accept", "Accept-Encoding", "Content-Type", "Content-Length", "Content-Encoding", "User-Agent", "Idempotency-Key"];

    /// <summary>Headers the official SDKs of the catalogue's providers send, and provider API options.</summary>
    public static readonly string[] ProviderHeaders =
    [
        "x-goog-api-client", "x-server-timeout", // Google Gen AI SDKs; not all of x-goog-*: Google's identity-aware proxy puts the signed-in user there
        "x-client-name", // Cohere
        "x-use-cache", "x-wait-for-model", "x-hf-bill-to", // Hugging Face inference options and billing
        "HTTP-Referer", "X-Title", // OpenRouter app attribution
    ];

    /// <summary>Header name prefixes of the same kind; names are compared ignoring case.</summary>
    public static readonly string[] ProviderPrefixes =
    [
        "x-stainless-", // Stainless-built SDKs (OpenAI, Anthropic, Groq, ...): language, version, retry count, timeout
        "openai-", // OpenAI-Organization, OpenAI-Project, OpenAI-Beta
        "anthropic-", // anthropic-version, anthropic-beta
        "x-goog-upload-", // Gemini Files API uploads
        "x-fern-", // Cohere SDK
    ];

    /// <summary>
    /// Never forwarded, whatever the configuration says: the caller's credentials (the provider's
    /// auth header is set from the resolved key), and headers carrying the caller's address, which
    /// only <see cref="ProxyOptions.ForwardClientAddress"/> may send (as X-Forwarded-For).
    /// </summary>
    public static readonly string[] Refused =
    [
        .. CallerCredentials.Headers, "Cookie", "Proxy-Authorization",
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Original-Forwarded-For",
        "X-Real-IP", "True-Client-IP", "X-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Cluster-Client-IP", "Via",
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade",
    ];

    private readonly FrozenSet<string> _names;
    private readonly string[] _prefixes;

    public RequestHeaderAllowlist(IEnumerable<string> additional)
    {
        var extra = additional.Select(h => h.Trim()).Where(h => h.Length > 0).ToList();
        _names = StandardHeaders.Concat(ProviderHeaders).Concat(extra.Where(h => !h.EndsWith('*')))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _prefixes = [.. ProviderPrefixes, .. extra.Where(h => h.EndsWith('*')).Select(h => h.TrimEnd('*'))];
    }

    /// <summary>Whether a header of this name goes to the provider. Called for every header of every proxied call.</summary>
    public bool Allows(string name)
    {
        if (_names.Contains(name))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What is wrong with configured additions, in words an operator can act on; empty when nothing is.</summary>
    public static IEnumerable<string> Validate(IEnumerable<string> additional)
    {
        foreach (var entry in additional.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            var name = entry.TrimEnd('*');
            var isPrefix = name.Length != entry.Length;
            if (name.Length == 0 || entry.Length - name.Length > 1 || !name.All(IsTokenChar))
            {
                yield return $"{ProxyOptions.SectionName}:{nameof(ProxyOptions.AdditionalRequestHeaders)} '{entry}' is not a header name (or a prefix ending in '*').";
                continue;
            }

            var refused = Refused.Where(r => isPrefix ? r.StartsWith(name, StringComparison.OrdinalIgnoreCase) : r.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (refused.Count > 0)
            {
                yield return $"{ProxyOptions.SectionName}:{nameof(ProxyOptions.AdditionalRequestHeaders)} '{entry}' would forward {string.Join(", ", refused)}, "
                    + "which never go to providers (caller credentials, client addresses: see Proxy:ForwardClientAddress, connection headers).";
            }
        }
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
