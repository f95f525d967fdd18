using System.Net;
using System.Text.Json.Nodes;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Auth;

public sealed class ProviderKeyCheckMiddlewareTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    private const string WrongKey = "sk-wrong-secret-9876543210";

    [Theory]
    [InlineData("authorization")]
    [InlineData("x-api-key")]
    [InlineData("x-goog-api-key")]
    [InlineData("api-key")]
    public async Task Request_ValidKeyInSupportedHeader_IsAcceptedAndAttributedToThatHeader(string header)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", keyHeader: header);
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recorded = await server.RecordedAsync(marker, ct);
        Assert.NotNull(recorded);
        Assert.Equal(FakeProviderServer.ValidKey, recorded["key"]!.GetValue<string>());
        Assert.Equal(header, recorded["keyHeader"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAiPath_NoKey_Returns401InOpenAiShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: null);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenAiPath_WrongKey_Returns401WithoutEchoingKey()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", key: WrongKey,
            json: FakeProviderServer.ChatBody("fake-model", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.Equal("invalid_api_key", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(WrongKey, body, StringComparison.Ordinal);
        Assert.DoesNotContain("9876", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessagesPath_WrongKey_Returns401InAnthropicShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/messages", key: WrongKey, keyHeader: "x-api-key",
            json: FakeProviderServer.ChatBody("fake-model", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("authentication_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal("invalid x-api-key", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModelsPath_WrongKeyWithAnthropicVersion_Returns401InAnthropicShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: WrongKey, keyHeader: "x-api-key");
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("authentication_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GeminiPath_WrongKey_Returns401InGeminiShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1beta/models", key: WrongKey, keyHeader: "x-goog-api-key");

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(ct);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(401, error["code"]!.GetValue<int>());
        Assert.Equal("UNAUTHENTICATED", error["status"]!.GetValue<string>());
        Assert.DoesNotContain(WrongKey, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task FakeStatusModel_WrongKey_Returns401NotTheFakeStatus(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Post, path, key: WrongKey,
            json: FakeProviderServer.ChatBody("fake-status-500", "hi"));

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_NoKey_Returns401BeforeNotFound()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v9/does-not-exist", key: null);

        using var response = await server.Client.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
