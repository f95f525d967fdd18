using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Unified;

/// <summary>
/// Bad input on <c>/v1</c>: a clear 4xx in problem details with OpenAI's <c>error</c> member
/// (message, type, param, code), and nothing forwarded to any provider.
/// </summary>
[Collection(UnifiedGatewayGroup.Name)]
public sealed class UnifiedRefusalTests(UnifiedGateway gateway)
{
    private TestGateway Stack => gateway.Stack;

    [Theory]
    [InlineData("not json at all", "invalid_json", null)]
    [InlineData("", "invalid_json", null)]
    [InlineData("[{\"model\":\"groq/x\"}]", "invalid_json", null)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model_required", "model")]
    [InlineData("{\"metadata\":{\"model\":\"groq/x\"}}", "model_required", "model")]
    [InlineData("{\"model\":42}", "invalid_model", "model")]
    [InlineData("{\"model\":{\"name\":\"groq/x\"}}", "invalid_model", "model")]
    [InlineData("{\"model\":null}", "invalid_model", "model")]
    [InlineData("{\"model\":\"\"}", "model_required", "model")]
    [InlineData("{\"model\":\"groq/\"}", "invalid_model", "model")]
    [InlineData("{\"model\":\"nosuch/llama\"}", "model_not_found", "model")]
    [InlineData("{\"model\":\"llama-3.3-70b\"}", "model_not_found", "model")]
    [InlineData("{\"model\":\"cohere/command-r\"}", "model_not_found", "model")]
    [InlineData("{\"model\" \"groq/x\"}", "invalid_json", null)]
    [InlineData("{\"messages\":[1,2,}, \"model\":\"groq/x\"}", "invalid_json", null)]
    public async Task Chat_BadBody_Returns400InOpenAisShapeAndForwardsNothing(string body, string code, string? param)
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var before = await gateway.UpstreamCountAsync();

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var error = problem["error"]!.AsObject();
        Assert.Equal(problem["detail"]!.GetValue<string>(), error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.True(error.ContainsKey("param"), "OpenAI's error shape always has param");
        Assert.False(response.Headers.Contains("X-Byok-Provider"));
        Assert.Equal(before, await gateway.UpstreamCountAsync());
    }

    [Fact]
    public async Task Chat_BrokenJsonAfterTheModel_IsForwardedForTheProviderToRefuse()
    {
        // The gateway reads no further than "model" (it never buffers a body for validation);
        // what follows is the provider's to judge, and its answer comes back unchanged.
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var body = "{\"model\":\"groq/x\",\"messages\":[\"" + user.Id + "\"";

        using var response = await client.PostAsync("v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"model\":\"x\",\"messages\":[\"" + user.Id + "\"", (await gateway.LastUpstreamAsync(user.Id))["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ModelWithoutProvider_SaysToWriteProviderSlashModelAndListsTheUsersProviders()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey), ("gemini", UnifiedGateway.GeminiKey));

        using var response = await client.PostAsync("v1/chat/completions", Json("{\"model\":\"llama-3.3-70b\"}"), TestContext.Current.CancellationToken);

        var message = (await response.AssertProblemAsync(HttpStatusCode.BadRequest))["error"]!["message"]!.GetValue<string>();
        Assert.Contains("\"<provider>/<model>\"", message, StringComparison.Ordinal);
        // Own keys (groq, gemini) and the system keys the stack has (openai, anthropic); nothing else.
        Assert.EndsWith("Providers you can use: openai, anthropic, groq, gemini.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UnknownProviderPrefix_NamesItAndListsTheUsersProviders()
    {
        var (_, client) = await gateway.UserWithKeysAsync();

        using var response = await client.PostAsync("v1/chat/completions", Json("{\"model\":\"nosuch/llama\"}"), TestContext.Current.CancellationToken);

        var message = (await response.AssertProblemAsync(HttpStatusCode.BadRequest))["detail"]!.GetValue<string>();
        Assert.StartsWith("'nosuch' is not a provider of this gateway.", message, StringComparison.Ordinal);
        Assert.EndsWith("Providers you can use: openai, anthropic.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ProviderWithoutOpenAiCompatiblePath_SaysToUseItsOwnRoute()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("cohere", "cohere-user-key-0001"));

        using var response = await client.PostAsync("v1/chat/completions", Json("{\"model\":\"cohere/command-r\"}"), TestContext.Current.CancellationToken);

        var detail = (await response.AssertProblemAsync(HttpStatusCode.BadRequest))["detail"]!.GetValue<string>();
        Assert.Contains("Cohere has no OpenAI-compatible API", detail, StringComparison.Ordinal);
        Assert.Contains("/cohere/", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ProviderTheUserHasNoKeyFor_Returns403AsTheProviderRouteDoes()
    {
        var (user, client) = await gateway.UserWithKeysAsync();
        var before = await gateway.UpstreamCountAsync();

        using var unified = await client.PostAsync("v1/chat/completions", Json("{\"model\":\"deepseek/chat\"}"), TestContext.Current.CancellationToken);
        using var direct = await client.PostAsync("deepseek/chat/completions", Json("{\"model\":\"chat\"}"), TestContext.Current.CancellationToken);

        var problem = await unified.AssertProblemAsync(HttpStatusCode.Forbidden);
        var expected = await direct.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(expected["detail"]!.GetValue<string>(), problem["detail"]!.GetValue<string>());
        Assert.Equal("deepseek", problem["provider"]!.GetValue<string>());
        Assert.Equal("permission_error", problem["error"]!["type"]!.GetValue<string>());
        Assert.Equal("deepseek", unified.Headers.GetValues("X-Byok-Provider").Single());
        Assert.Equal(before, await gateway.UpstreamCountAsync());
        _ = user;
    }

    [Fact]
    public async Task Chat_CompressedBody_Returns415AndForwardsNothing()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var before = await gateway.UpstreamCountAsync();
        using var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.PostAsync("v1/chat/completions", content, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("unsupported_content_encoding", problem["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, await gateway.UpstreamCountAsync());
    }

    [Fact]
    public async Task Chat_WithoutToken_Returns401BeforeReadingTheBody()
    {
        using var client = Stack.Sidecar.Client();

        using var response = await client.PostAsync("v1/chat/completions", Json("not json"), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("authentication_error", problem["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_Refusal_IsLoggedAndCountedByReason()
    {
        var (user, client) = await gateway.UserWithKeysAsync();

        using var response = await client.PostAsync("v1/chat/completions", Json("{\"model\":7}"), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var logged = Assert.Single(Stack.Sidecar.Logs.WithEventId(7001), e => e.Properties["UserId"].ToString().Contains(user.Id, StringComparison.Ordinal));
        Assert.Equal("\"model_not_string\"", logged.Properties["Reason"].ToString());
        var metrics = await Stack.Sidecar.Client().GetStringAsync("metrics", TestContext.Current.CancellationToken);
        Assert.Contains("byok_unified_refusals_total{reason=\"model_not_string\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_GetOnAPostRoute_IsNotForwarded()
    {
        var (_, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var before = await gateway.UpstreamCountAsync();

        using var response = await client.GetAsync("v1/chat/completions", TestContext.Current.CancellationToken);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}");
        Assert.Equal(before, await gateway.UpstreamCountAsync());
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n", 400)]
    [InlineData("Transfer-Encoding: chunked", "5\r\n{\"mod\r\nZZ\r\n", 400)]
    [InlineData("Content-Length: 100000000", "", 413)]
    public async Task Chat_BodyKestrelRefuses_Returns4xxProblemAndForwardsNothing(string framing, string body, int status)
    {
        var (user, _) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var before = await gateway.UpstreamCountAsync();
        var request = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {Stack.Sidecar.Url.Authority}\r\nAuthorization: Bearer {await user.TokenAsync()}\r\n"
            + $"Content-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n{body}";

        var response = await RawHttp.SendAsync(Stack.Sidecar.Url, request, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        var problem = JsonNode.Parse(response.Body)!;
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()));
        Assert.Equal(problem["detail"]!.GetValue<string>(), problem["error"]!["message"]!.GetValue<string>());
        Assert.Equal(before, await gateway.UpstreamCountAsync());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
