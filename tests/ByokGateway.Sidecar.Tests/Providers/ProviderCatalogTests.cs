using ByokGateway.Hosting;
using ByokGateway.Providers;
using Microsoft.Extensions.Configuration;

namespace ByokGateway.Tests.Providers;

/// <summary>The catalogue's OpenAI-compatible paths and model lists (the unified <c>/v1</c> endpoint's part of each entry).</summary>
public sealed class ProviderCatalogTests
{
    [Fact]
    public void Create_OpenAiPathsAndModelLists_AreNormalizedWithDefaults()
    {
        var catalog = new ProviderCatalog(new Dictionary<string, ProviderOptions>
        {
            ["groq"] = Entry("/openai/v1/"),
            ["root"] = Entry("/"),
            ["fixed"] = new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = "/", ModelList = new() { Ids = ["a", " ", "b "] } },
            ["none"] = Entry(""),
        });

        Assert.True(catalog.TryGet("groq", out var groq));
        Assert.True(catalog.TryGet("root", out var root));
        Assert.True(catalog.TryGet("fixed", out var @fixed));
        Assert.True(catalog.TryGet("none", out var none));
        Assert.Equal("/openai/v1", groq.OpenAiPath);
        Assert.Equal("/openai/v1/models", groq.ModelList!.Path);
        Assert.Equal("data", groq.ModelList.Array);
        Assert.Equal("", root.OpenAiPath);
        Assert.Equal("/models", root.ModelList!.Path);
        Assert.Equal(["a", "b"], @fixed.ModelList!.Ids);
        Assert.Null(none.OpenAiPath);
        Assert.Null(none.ModelList);
    }

    [Theory]
    [InlineData("v1", "/v1", "'v1' is taken by the gateway's own routes")]
    [InlineData("p", "v1", "Providers:p:OpenAiPath 'v1' must be a path starting with '/'")]
    [InlineData("p", "/v1?x=1", "Providers:p:OpenAiPath")]
    [InlineData("p", "/../admin", "Providers:p:OpenAiPath")]
    [InlineData("p", "//evil.example/v1", "Providers:p:OpenAiPath")]
    public void Create_BadOpenAiEntry_FailsAtStartUpSayingWhatToFix(string id, string path, string message)
    {
        var error = Assert.Throws<SidecarConfigurationException>(() => new ProviderCatalog(new Dictionary<string, ProviderOptions> { [id] = Entry(path) }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_Catalogue_EveryProviderHasAnOpenAiCompatiblePath()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Infrastructure.RepoPaths.Root, "sidecar", "appsettings.json"))
            .Build();
        var entries = new Dictionary<string, ProviderOptions>();
        configuration.GetSection("Providers").Bind(entries);

        var catalog = new ProviderCatalog(entries);

        Assert.All(catalog.All, p => Assert.NotNull(p.OpenAiPath));
        Assert.All(catalog.All, p => Assert.NotNull(p.ModelList));
        Assert.True(catalog.TryGet("gemini", out var gemini));
        Assert.Equal("/v1beta/openai", gemini.OpenAiPath);
        Assert.True(catalog.TryGet("together", out var together));
        Assert.Equal("", together.ModelList!.Array);
        Assert.True(catalog.TryGet("cohere", out var cohere));
        Assert.Equal(("/v1/models", "models", "name"), (cohere.ModelList!.Path, cohere.ModelList.Array, cohere.ModelList.Id));
    }

    private static ProviderOptions Entry(string? openAiPath) => new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = openAiPath };
}
