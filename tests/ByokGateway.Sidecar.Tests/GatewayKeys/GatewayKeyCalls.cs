using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>Calls of the gateway-key API and proxied calls authenticated with a gateway key.</summary>
internal static class GatewayKeyCalls
{
    public static Task<HttpResponseMessage> CreateGatewayKeyAsync(this HttpClient client, string name, int? expiresInDays = null) =>
        client.PostAsJsonAsync("api/v1/byok/tokens", expiresInDays is null
            ? new JsonObject { ["name"] = name }
            : new JsonObject { ["name"] = name, ["expires_in_days"] = expiresInDays });

    /// <summary>Creates a key and returns the 201 answer (id, name, token, created, expires).</summary>
    public static async Task<JsonObject> NewGatewayKeyAsync(this HttpClient client, string name = "test tool", int? expiresInDays = null)
    {
        using var response = await client.CreateGatewayKeyAsync(name, expiresInDays);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"Expected 201 but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A client that sends <paramref name="gatewayKey"/> the way an OpenAI SDK sends its API key.</summary>
    public static HttpClient GatewayKeyClient(this SidecarServer sidecar, string gatewayKey)
    {
        var client = sidecar.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gatewayKey);
        return client;
    }

    /// <summary>A chat completion with the credential in <paramref name="header"/>; the user's id in the message tells the test's requests apart.</summary>
    public static HttpRequestMessage Chat(string credential, string header = "Authorization", string content = "hello", string path = "openai/v1/chat/completions")
    {
        var request = ProxyTests.Chat(path, "gpt-test", content: content);
        request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + credential : credential);
        return request;
    }

    public static string Token(this JsonObject created) => created["token"]!.GetValue<string>();

    public static string Id(this JsonObject created) => created["id"]!.GetValue<string>();
}
