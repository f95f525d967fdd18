using Microsoft.Extensions.Options;

namespace ByokGateway.Billing;

/// <summary>A Lago URL needs an API key, and must be an absolute http(s) URL.</summary>
public sealed class LagoOptionsValidator : IValidateOptions<LagoOptions>
{
    public ValidateOptionsResult Validate(string? name, LagoOptions options)
    {
        if (options.Url is null)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!options.Url.IsAbsoluteUri || options.Url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{LagoOptions.SectionName}:Url must be an absolute http(s) URL such as https://api.getlago.com.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add($"{LagoOptions.SectionName}:ApiKey is required when {LagoOptions.SectionName}:Url is set (Lago's API key, from its Developers page).");
        }

        if (options.MinRetryDelay > options.MaxRetryDelay)
        {
            errors.Add($"{LagoOptions.SectionName}:MinRetryDelay must not be longer than {LagoOptions.SectionName}:MaxRetryDelay.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
