using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ByokGateway.Providers;

/// <summary>The providers users can store keys for, from configuration (section <c>Providers</c>).</summary>
public sealed partial class ProviderCatalog
{
    private readonly FrozenDictionary<string, Provider> _byId;

    public ProviderCatalog(IReadOnlyDictionary<string, ProviderOptions> entries)
    {
        var errors = new List<string>();
        var providers = new List<Provider>();
        foreach (var (rawId, options) in entries)
        {
            if (!options.Enabled)
            {
                continue;
            }

            var id = rawId.ToLowerInvariant();
            if (!IdPattern().IsMatch(id))
            {
                errors.Add($"Providers:{rawId}: a provider id is lower-case letters, digits and '-' (it becomes part of the attribute name byok_<id>_key).");
                continue;
            }

            var entryErrors = Validate(id, options);
            if (entryErrors.Count > 0)
            {
                errors.AddRange(entryErrors);
                continue;
            }

            providers.Add(new Provider(
                id,
                string.IsNullOrWhiteSpace(options.Name) ? id : options.Name,
                string.IsNullOrEmpty(options.KeyPrefix) ? null : options.KeyPrefix,
                options.UserEndpoint ? null : options.BaseUrl,
                ParseAuth(options.Auth)!.Value,
                options.Headers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
                options.Test,
                string.IsNullOrWhiteSpace(options.SystemKeyEnv) || options.UserEndpoint ? null : options.SystemKeyEnv,
                options.UserEndpoint,
                options.Order));
        }

        if (errors.Count > 0)
        {
            throw new Hosting.SidecarConfigurationException("The provider catalogue is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        All = [.. providers.OrderBy(p => p.Order).ThenBy(p => p.Id, StringComparer.Ordinal)];
        _byId = All.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<Provider> All { get; }

    public bool TryGet(string id, out Provider provider) => _byId.TryGetValue(id, out provider!);

    private static List<string> Validate(string id, ProviderOptions options)
    {
        var errors = new List<string>();
        if (ParseAuth(options.Auth) is null)
        {
            errors.Add($"Providers:{id}:Auth '{options.Auth}' is not one of bearer, x-api-key, x-goog-api-key, api-key.");
        }

        if (!options.UserEndpoint && (options.BaseUrl is null || !options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https")))
        {
            errors.Add($"Providers:{id}:BaseUrl must be an absolute http(s) URL (environment: Providers__{id}__BaseUrl).");
        }

        if (options.Test.BaseUrl is { } testBase && (!testBase.IsAbsoluteUri || testBase.Scheme is not ("http" or "https")))
        {
            errors.Add($"Providers:{id}:Test:BaseUrl must be an absolute http(s) URL.");
        }

        if (options.Test.Method is not ("GET" or "POST" or "HEAD"))
        {
            errors.Add($"Providers:{id}:Test:Method must be GET, POST or HEAD.");
        }

        return errors;
    }

    private static ProviderAuth? ParseAuth(string? value) => value?.ToLowerInvariant() switch
    {
        "bearer" => ProviderAuth.Bearer,
        "x-api-key" => ProviderAuth.XApiKey,
        "x-goog-api-key" => ProviderAuth.XGoogApiKey,
        "api-key" => ProviderAuth.ApiKey,
        _ => null,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IdPattern();
}
