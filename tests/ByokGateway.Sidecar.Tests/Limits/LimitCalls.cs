using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Tests.Proxy;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Limits;

/// <summary>Calls and readings shared by the limits tests.</summary>
internal static class LimitCalls
{
    public const string OpenAiChat = "openai/v1/chat/completions";
    public const string AnthropicChat = "anthropic/v1/messages";

    public static HttpRequestMessage Chat(string content = "hello", bool stream = false) =>
        ProxyTests.Chat(OpenAiChat, "gpt-test", stream, content);

    public static HttpRequestMessage AnthropicMessage(string content = "hello") => new(HttpMethod.Post, AnthropicChat)
    {
        Content = JsonContent.Create(new JsonObject
        {
            ["model"] = "claude-test",
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        }),
    };

    /// <summary>A message the fake provider counts as <paramref name="words"/> prompt tokens (and words + 1 completion tokens).</summary>
    public static string Words(int words) => string.Join(' ', Enumerable.Repeat("word", words));

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>
    /// Charges tokens to a user's budget the way usage metering does when a call ends: through
    /// every registered <see cref="IUsageSink"/>.
    /// </summary>
    public static void Charge(SidecarServer sidecar, TestUser user, string tier, string keySource, long tokens, DateTimeOffset at)
    {
        var record = new UsageRecord
        {
            Id = Guid.CreateVersion7(),
            Timestamp = at,
            UserId = user.Id,
            Tier = tier,
            Provider = "openai",
            Model = "gpt-test",
            KeySource = keySource,
            InputTokens = tokens,
            OutputTokens = 0,
            Status = 200,
            DurationMs = 1,
        };
        foreach (var sink in sidecar.Services.GetServices<IUsageSink>())
        {
            sink.Record(record);
        }
    }

    /// <summary>
    /// Waits until the gateway finished <paramref name="calls"/> successful proxied calls of the user (its
    /// per-call log line comes after metering charged the tokens): a client may read a response's
    /// last byte a moment before.
    /// </summary>
    public static async Task CallsEndedAsync(TestGateway stack, TestUser user, int calls) =>
        Assert.True(await AdminEvents.Eventually.HoldsAsync(() => Task.FromResult(
            stack.Sidecar.Logs.WithEventId(3001).Count(e => e.RenderMessage().Contains(user.Id, StringComparison.Ordinal)
                && e.RenderMessage().Contains(" key: 200 in ", StringComparison.Ordinal)) >= calls)),
            $"the gateway did not finish {calls} calls of the user");

    public static async Task<int> SystemKeyCallsAsync(TestGateway stack) =>
        (await stack.Provider.RequestsAsync()).Count(r => r!["key"]?.GetValue<string>() == TestGateway.SystemOpenAiKey);

    public static async Task<double> MetricAsync(SidecarServer sidecar, string series)
    {
        var text = await sidecar.Client().GetStringAsync("metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
