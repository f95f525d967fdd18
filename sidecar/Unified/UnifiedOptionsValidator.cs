using ByokGateway.Providers;
using Microsoft.Extensions.Options;

namespace ByokGateway.Unified;

/// <summary>Rules must name providers the unified endpoint can reach, with a usable pattern.</summary>
public sealed class UnifiedOptionsValidator(ProviderCatalog catalog) : IValidateOptions<UnifiedOptions>
{
    public ValidateOptionsResult Validate(string? name, UnifiedOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var at = $"{UnifiedOptions.SectionName}:Rules:{i}";
            if (string.IsNullOrWhiteSpace(rule.Pattern) || rule.Pattern.Trim() != rule.Pattern)
            {
                errors.Add($"{at}:Pattern must be a model name pattern such as 'gpt-*' (no surrounding spaces).");
            }

            if (!catalog.TryGet(rule.Provider, out var provider))
            {
                errors.Add($"{at}:Provider '{rule.Provider}' is not a provider of the catalogue ({string.Join(", ", catalog.All.Select(p => p.Id))}).");
            }
            else if (provider.OpenAiPath is null)
            {
                errors.Add($"{at}:Provider '{rule.Provider}' has no OpenAiPath, so /v1 cannot reach it; set Providers:{rule.Provider}:OpenAiPath or choose another provider.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
