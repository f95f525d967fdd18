using System.Text;
using ByokGateway.Tests.GatewayKeys;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Unified;

/// <summary>A gateway key works on <c>/v1</c> as on the provider routes (DESIGN.md §10, §11), in the headers SDKs send keys in.</summary>
[Collection(UnifiedGatewayGroup.Name)]
public sealed class UnifiedGatewayKeyTests(UnifiedGateway gateway)
{
    private TestGateway Stack => gateway.Stack;

    [Theory]
    [InlineData("Authorization")]
    [InlineData("x-api-key")]
    public async Task ChatAndModels_GatewayKey_AreServedWithTheUsersKeys(string header)
    {
        var (user, client) = await gateway.UserWithKeysAsync(("groq", UnifiedGateway.GroqKey));
        var key = (await client.NewGatewayKeyAsync("unified")).Token();
        using var tool = Stack.Sidecar.Client();
        using var chat = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($"{{\"model\":\"groq/llama\",\"messages\":[{{\"role\":\"user\",\"content\":\"{user.Id}\"}}]}}", Encoding.UTF8, "application/json"),
        };
        chat.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + key : key);
        using var models = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        models.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + key : key);

        using var chatResponse = await tool.SendAsync(chat, TestContext.Current.CancellationToken);
        using var modelsResponse = await tool.SendAsync(models, TestContext.Current.CancellationToken);

        await chatResponse.AssertOkJsonAsync();
        Assert.Equal("groq", chatResponse.Headers.GetValues("X-Byok-Provider").Single());
        var upstream = await gateway.LastUpstreamAsync(user.Id);
        Assert.Equal(UnifiedGateway.GroqKey, upstream["key"]!.GetValue<string>());
        SecretAssert.Absent(upstream.ToJsonString(), key, "the gateway key", "What the provider received");
        var ids = (await modelsResponse.AssertOkJsonAsync())["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("groq/groq-model", ids);
    }

    [Fact]
    public async Task Models_RevokedGatewayKey_Returns401()
    {
        var (_, client) = await gateway.UserWithKeysAsync();
        var created = await client.NewGatewayKeyAsync("revoked");
        await (await client.DeleteAsync($"api/v1/byok/tokens/{created.Id()}", TestContext.Current.CancellationToken)).AssertOkJsonAsync();
        using var tool = Stack.Sidecar.GatewayKeyClient(created.Token());

        using var response = await tool.GetAsync("v1/models", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(System.Net.HttpStatusCode.Unauthorized);
    }
}
