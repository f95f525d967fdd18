using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.KeyTests;

/// <summary>The key-test call of every catalogue provider (DESIGN.md §6) against the fake.</summary>
public sealed class KeyTestEndpointsTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    public static TheoryData<string, string, string, string> KeyTestCalls => new()
    {
        // provider: method, path, key header, a JSON field path the 200 body must have
        { "GET", "/v1/models", "authorization", "data" },              // openai, together, mistral
        { "GET", "/openai/v1/models", "authorization", "data" },       // groq
        { "GET", "/api/v1/key", "authorization", "data.label" },       // openrouter
        { "GET", "/v1beta/models", "x-goog-api-key", "models" },       // gemini
        { "GET", "/models", "authorization", "data" },                 // deepseek, custom
        { "POST", "/v1/check-api-key", "authorization", "valid" },     // cohere
        { "GET", "/api/whoami-v2", "authorization", "name" },          // huggingface
        { "GET", "/llm/v1/models", "authorization", "data" },          // custom endpoint mounted under a prefix
    };

    [Theory]
    [MemberData(nameof(KeyTestCalls))]
    public async Task KeyTestCall_ValidKey_Returns200WithPlausibleBody(string method, string path, string keyHeader, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(new HttpMethod(method), path, keyHeader: keyHeader);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonNode? node = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        foreach (var name in field.Split('.'))
        {
            node = node?[name];
        }

        Assert.NotNull(node);
        if (node is JsonArray list)
        {
            Assert.NotEmpty(list);
        }
    }

    [Theory]
    [MemberData(nameof(KeyTestCalls))]
    public async Task KeyTestCall_WrongKey_Returns401(string method, string path, string keyHeader, string field)
    {
        _ = field;
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(new HttpMethod(method), path, key: "sk-not-accepted-1234", keyHeader: keyHeader);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CohereCheckApiKey_ValidKey_ReportsValid()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/check-api-key");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["valid"]!.GetValue<bool>());
    }
}
