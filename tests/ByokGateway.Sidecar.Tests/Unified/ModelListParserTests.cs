using System.Text.Json;
using ByokGateway.Providers;
using ByokGateway.Unified;

namespace ByokGateway.Tests.Unified;

/// <summary>The model-list shapes of the catalogue's providers, read as each entry's <c>ModelList</c> describes.</summary>
public sealed class ModelListParserTests
{
    private static readonly ProviderCatalog Catalog = new(new Dictionary<string, ProviderOptions>
    {
        ["openai"] = new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = "/v1" },
        ["together"] = new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = "/v1", ModelList = new() { Array = "" } },
        ["cohere"] = new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = "/compatibility/v1", ModelList = new() { Path = "/v1/models", Array = "models", Id = "name" } },
        ["perplexity"] = new() { BaseUrl = new Uri("https://example.test"), OpenAiPath = "/", ModelList = new() { Ids = ["sonar", "sonar-pro"] } },
        ["plain"] = new() { BaseUrl = new Uri("https://example.test") },
    });

    [Theory]
    [InlineData("openai", "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"},{\"object\":\"model\"},{\"id\":7}]}", "openai/gpt-4o")]
    [InlineData("together", "[{\"id\":\"meta-llama/Llama-3.3-70B\",\"object\":\"model\",\"created\":0,\"type\":\"chat\"}]", "together/meta-llama/Llama-3.3-70B")]
    [InlineData("cohere", "{\"models\":[{\"name\":\"command-a-03-2025\",\"endpoints\":[\"chat\"]}],\"next_page_token\":null}", "cohere/command-a-03-2025")]
    public void Parse_ProvidersOwnShape_ListsPrefixedIdsSkippingEntriesWithoutOne(string id, string json, string expected)
    {
        Assert.True(Catalog.TryGet(id, out var provider));
        using var document = JsonDocument.Parse(json);

        var models = ModelListParser.Parse(document.RootElement, provider, provider.ModelList!);

        var model = Assert.Single(models!);
        Assert.Equal(expected, model.Id);
        Assert.False(string.IsNullOrEmpty(model.OwnedBy));
    }

    [Theory]
    [InlineData("openai", "[{\"id\":\"x\"}]")]
    [InlineData("together", "{\"data\":[{\"id\":\"x\"}]}")]
    [InlineData("cohere", "{\"data\":[{\"id\":\"x\"}]}")]
    [InlineData("openai", "{\"data\":{\"id\":\"x\"}}")]
    public void Parse_OtherShape_IsNull(string id, string json)
    {
        Assert.True(Catalog.TryGet(id, out var provider));
        using var document = JsonDocument.Parse(json);

        Assert.Null(ModelListParser.Parse(document.RootElement, provider, provider.ModelList!));
    }
}
