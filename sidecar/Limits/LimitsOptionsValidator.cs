using ByokGateway.Keys;
using Microsoft.Extensions.Options;

namespace ByokGateway.Limits;

/// <summary>
/// Refuses limits an operator cannot have meant: a tier name the gateway does not know (a typo
/// would silently leave the real tier unlimited) and numbers that are zero or negative.
/// </summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var problems = new List<string>();
        foreach (var (tier, limits) in options.Tiers)
        {
            if (!Tiers.IsKnown(tier))
            {
                problems.Add($"Limits:Tiers:{tier} names an unknown tier; the tiers are {string.Join(", ", Tiers.Ordered)}.");
                continue;
            }

            Check(problems, $"Limits:Tiers:{tier}:System", limits?.System);
            Check(problems, $"Limits:Tiers:{tier}:Byok", limits?.Byok);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Check(List<string> problems, string section, SourceLimits? limits)
    {
        Positive(problems, $"{section}:RequestsPerMinute", limits?.RequestsPerMinute);
        Positive(problems, $"{section}:TokensPerDay", limits?.TokensPerDay);
        Positive(problems, $"{section}:TokensPerMonth", limits?.TokensPerMonth);
    }

    private static void Positive(List<string> problems, string setting, long? value)
    {
        if (value is <= 0)
        {
            problems.Add($"{setting} is {value}; it must be a positive number, or unset (empty) for no limit.");
        }
    }
}
