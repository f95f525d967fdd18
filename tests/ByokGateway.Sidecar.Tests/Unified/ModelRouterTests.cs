using ByokGateway.Providers;
using ByokGateway.Unified;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Unified;

/// <summary>Which provider a <c>model</c> value names: a catalogue prefix first, then the rules in order.</summary>
public sealed class ModelRouterTests
{
    private static readonly ProviderCatalog Catalog = new(new Dictionary<string, ProviderOptions>
    {
        ["openai"] = Entry("/v1"),
        ["together"] = Entry("/v1"),
        ["groq"] = Entry("/openai/v1"),
    });

    [Theory]
    [InlineData("groq/llama-3.3-70b", "groq", 5)]
    [InlineData("together/meta-llama/Llama-3.3-70B", "together", 9)]
    [InlineData("gpt-4o", "openai", 0)]
    [InlineData("o3-mini", "openai", 0)]
    [InlineData("meta-llama/Llama-3", "together", 0)]
    [InlineData("llama-3.1-8b-instant", "groq", 0)]
    [InlineData("llama-guard", "groq", 0)]
    public void Route_KnownPrefixOrMatchingRule_PicksTheProvider(string model, string provider, int prefixLength)
    {
        var route = Router().Route(model);

        Assert.Equal(provider, route.Provider!.Id);
        Assert.Equal(prefixLength, route.PrefixLength);
    }

    [Theory]
    [InlineData("claude-haiku", "NoProvider", null)]
    [InlineData("nosuch/model", "UnknownProvider", "nosuch")]
    [InlineData("groq/", "EmptyModel", null)]
    [InlineData("/x", "NoProvider", null)]
    [InlineData("GROQ/x", "UnknownProvider", "GROQ")]
    public void Route_NoProviderFound_SaysWhy(string model, string outcome, string? prefix)
    {
        var route = Router().Route(model);

        Assert.Equal(outcome, route.Outcome.ToString());
        Assert.Equal(prefix, route.Prefix);
    }

    [Fact]
    public void Route_WithoutRules_UnprefixedNamesGoNowhere()
    {
        var router = new ModelRouter(Catalog, Options.Create(new UnifiedOptions()));

        Assert.Equal("NoProvider", router.Route("gpt-4o").Outcome.ToString());
    }

    [Theory]
    [InlineData("nosuch", "is not a provider of the catalogue")]
    [InlineData("cohere", "has no OpenAiPath")]
    public void Validate_RuleForAProviderTheEndpointCannotReach_FailsWithAnActionableMessage(string provider, string message)
    {
        var catalog = new ProviderCatalog(new Dictionary<string, ProviderOptions> { ["openai"] = Entry("/v1"), ["cohere"] = Entry(null) });
        var options = new UnifiedOptions { Rules = [new UnifiedRule { Pattern = "x-*", Provider = provider }] };

        var result = new UnifiedOptionsValidator(catalog).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Unified:Rules:0:Provider", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ModelRouter Router() => new(Catalog, Options.Create(new UnifiedOptions
    {
        Rules =
        [
            new UnifiedRule { Pattern = "gpt-*", Provider = "openai" },
            new UnifiedRule { Pattern = "o3*", Provider = "openai" },
            new UnifiedRule { Pattern = "meta-llama/*", Provider = "together" },
            new UnifiedRule { Pattern = "llama-*-instant", Provider = "groq" },
            new UnifiedRule { Pattern = "llama*guard", Provider = "groq" },
        ],
    }));

    private static ProviderOptions Entry(string? openAiPath) => new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = openAiPath };
}
