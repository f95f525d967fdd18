using Microsoft.Extensions.Options;

namespace ByokGateway.Proxy;

/// <summary>Refuses additional forwarded headers that would send credentials or client addresses to providers.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var problems = RequestHeaderAllowlist.Validate(options.AdditionalRequestHeaders).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
