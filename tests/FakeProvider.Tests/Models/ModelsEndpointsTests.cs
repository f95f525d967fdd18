using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Models;

public sealed class ModelsEndpointsTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    [Fact]
    public async Task Models_OpenAiCaller_ReturnsOpenAiList()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("list", body["object"]!.GetValue<string>());
        var models = body["data"]!.AsArray();
        Assert.Contains(models, m => m!["id"]!.GetValue<string>() == "fake-model");
        Assert.All(models, m =>
        {
            Assert.Equal("model", m!["object"]!.GetValue<string>());
            Assert.True(m["created"]!.GetValue<long>() > 0);
            Assert.False(string.IsNullOrEmpty(m["owned_by"]!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task Models_AnthropicVersionHeader_ReturnsAnthropicList()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", keyHeader: "x-api-key");
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var models = body["data"]!.AsArray();
        Assert.All(models, m =>
        {
            Assert.Equal("model", m!["type"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(m["display_name"]!.GetValue<string>()));
            Assert.True(DateTimeOffset.TryParse(m["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));
        });
        Assert.False(body["has_more"]!.GetValue<bool>());
        Assert.Equal(models[0]!["id"]!.GetValue<string>(), body["first_id"]!.GetValue<string>());
        Assert.Equal(models[^1]!["id"]!.GetValue<string>(), body["last_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Model_ById_ReturnsThatModel()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models/gpt-4o-mini");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("gpt-4o-mini", body["id"]!.GetValue<string>());
        Assert.Equal("model", body["object"]!.GetValue<string>());
    }
}
