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

            if (ReservedIds.Contains(id))
            {
                errors.Add($"Providers:{rawId}: '{id}' is taken by the gateway's own routes ({string.Join(", ", ReservedIds.Select(r => "/" + r))}); choose another id.");
                continue;
            }

            var entryErrors = Validate(id, options);
            if (entryErrors.Count > 0)
            {
                errors.AddRange(entryErrors);
                continue;
            }

            var openAiPath = NormalizePath(options.OpenAiPath);
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
                options.Order)
            {
                OpenAiPath = openAiPath,
                ModelList = ModelListOf(options, openAiPath),
            });
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

        if (!IsPath(options.OpenAiPath))
        {
            errors.Add($"Providers:{id}:OpenAiPath '{options.OpenAiPath}' must be a path starting with '/' (\"/\" for the root), without query string, '..' or '//'.");
        }

        if (!IsPath(options.ModelList.Path))
        {
            errors.Add($"Providers:{id}:ModelList:Path '{options.ModelList.Path}' must be a path starting with '/', without query string, '..' or '//'.");
        }

        if (string.IsNullOrWhiteSpace(options.ModelList.Id))
        {
            errors.Add($"Providers:{id}:ModelList:Id must name the member holding each model's id (e.g. 'id').");
        }

        return errors;
    }

    // The unified endpoint lives at /v1; a provider named so would shadow it.
    private static readonly string[] ReservedIds = ["v1"];

    // Empty means "none"; a path is '/'-rooted, has no query, fragment, dot segments or empty segments.
    private static bool IsPath(string? path) =>
        string.IsNullOrEmpty(path)
        || (path[0] == '/' && path.IndexOfAny(['?', '#', '\\', '%']) < 0 && !path.Contains("//", StringComparison.Ordinal)
            && !path.Split('/').Any(segment => segment is "." or ".."));

    private static string? NormalizePath(string? path) => string.IsNullOrEmpty(path) ? null : path.TrimEnd('/');

    // Only providers reachable through /v1 are listed there: a listed model must be callable.
    private static ProviderModelList? ModelListOf(ProviderOptions options, string? openAiPath)
    {
        var list = options.ModelList;
        var ids = list.Ids.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).ToList();
        var path = NormalizePath(list.Path) ?? (openAiPath is null ? null : openAiPath + "/models");
        if (openAiPath is null || (path is null && ids.Count == 0))
        {
            return null;
        }

        return new ProviderModelList(path ?? string.Empty, list.Array ?? string.Empty, list.Id, ids);
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
