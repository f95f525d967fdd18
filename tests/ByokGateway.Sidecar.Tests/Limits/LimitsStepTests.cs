using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using static ByokGateway.Tests.Limits.LimitCalls;

namespace ByokGateway.Tests.Limits;

/// <summary>
/// Per-tier limits on real calls through the gateway to the fake provider: the boundary, the
/// OpenAI-shaped refusals and headers, the windows' reset on the gateway's clock, and key sources kept apart.
/// </summary>
public sealed class LimitsStepTests(LimitsFixture fixture) : IClassFixture<LimitsFixture>
{
    private TestGateway Stack => fixture.Stack;

    [Fact]
    public async Task Chat_RequestsPerMinuteReachedExactly_NextIsRefusedWithOpenAiRateLimitError()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        var refusalsBefore = await MetricAsync(Stack.Sidecar, """byok_limit_refusals_total{limit="requests_per_minute",key_source="system",tier="free"}""");
        var untilMinuteEnds = (int)Math.Ceiling((LimitsFixture.StartOfMinute(fixture.Time.GetUtcNow()).AddMinutes(1) - fixture.Time.GetUtcNow()).TotalSeconds);

        for (var i = 1; i <= LimitsFixture.RequestsPerMinute; i++)
        {
            using var allowed = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            await allowed.AssertOkJsonAsync();
            Assert.Equal("system", allowed.Header("X-Byok-Key-Source"));
            // The gateway's limits replace the provider's own x-ratelimit-* headers (10000 requests, 30000000 tokens).
            Assert.Equal("3", allowed.Header("x-ratelimit-limit-requests"));
            Assert.Equal((LimitsFixture.RequestsPerMinute - i).ToString(CultureInfo.InvariantCulture), allowed.Header("x-ratelimit-remaining-requests"));
            Assert.Equal(ByokGateway.Limits.RateLimitHeaders.Duration(TimeSpan.FromSeconds(untilMinuteEnds)), allowed.Header("x-ratelimit-reset-requests"));
            Assert.Equal("100", allowed.Header("x-ratelimit-limit-tokens"));
        }

        var forwarded = await SystemKeyCallsAsync(Stack);
        using var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var error = problem["error"]!.AsObject();
        Assert.Equal("requests", error["type"]!.GetValue<string>());
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains("limit 3, used 3", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(untilMinuteEnds.ToString(CultureInfo.InvariantCulture), refused.Header("Retry-After"));
        Assert.Equal("0", refused.Header("x-ratelimit-remaining-requests"));
        Assert.Null(refused.Header("x-should-retry"));
        Assert.Equal(forwarded, await SystemKeyCallsAsync(Stack));
        Assert.Contains(Stack.Sidecar.Logs.WithEventId(5021), e => e.RenderMessage().Contains(user.Id, StringComparison.Ordinal)
            && e.RenderMessage().Contains("system:requests_per_minute", StringComparison.Ordinal));
        Assert.Equal(refusalsBefore + 1, await MetricAsync(Stack.Sidecar, """byok_limit_refusals_total{limit="requests_per_minute",key_source="system",tier="free"}"""));
    }

    [Fact]
    public async Task Chat_NextMinuteStarts_RequestsAreAllowedAgain()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        for (var i = 0; i < LimitsFixture.RequestsPerMinute; i++)
        {
            using var allowed = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            await allowed.AssertOkJsonAsync();
        }

        using (var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        using var again = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);

        await again.AssertOkJsonAsync();
        Assert.Equal("2", again.Header("x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task Chat_StreamCrossesTheTokenBudget_StreamCompletesAndNextCallIsRefusedUntilTheDayEnds()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        // The fake provider counts words: 20 prompt tokens and 21 completion tokens ("fake: " + the words).
        using (var first = await client.SendAsync(Chat(Words(20)), TestContext.Current.CancellationToken))
        {
            await first.AssertOkJsonAsync();
            Assert.Equal("100", first.Header("x-ratelimit-remaining-tokens"));
        }

        await CallsEndedAsync(Stack, user, 1);
        string streamed;
        using (var stream = await client.SendAsync(Chat(Words(30), stream: true), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("59", stream.Header("x-ratelimit-remaining-tokens"));
            streamed = await stream.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        // 41 + 61 tokens: past the budget, yet every chunk arrived. The usage chunk the gateway
        // asked for (the client did not) stays hidden.
        Assert.EndsWith("data: [DONE]\n\n", streamed, StringComparison.Ordinal);
        Assert.Equal(30, streamed.Split("word", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain("\"usage\"", streamed, StringComparison.Ordinal);
        await CallsEndedAsync(Stack, user, 2);
        var now = fixture.Time.GetUtcNow();
        var untilDayEnds = (long)Math.Ceiling((new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now).TotalSeconds);
        var forwarded = await SystemKeyCallsAsync(Stack);
        using var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var error = problem["error"]!.AsObject();
        Assert.Equal("insufficient_quota", error["type"]!.GetValue<string>());
        Assert.Equal("insufficient_quota", error["code"]!.GetValue<string>());
        Assert.Contains("102 used", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(untilDayEnds.ToString(CultureInfo.InvariantCulture), refused.Header("Retry-After"));
        Assert.Equal("false", refused.Header("x-should-retry"));
        Assert.Equal("0", refused.Header("x-ratelimit-remaining-tokens"));
        Assert.Equal(forwarded, await SystemKeyCallsAsync(Stack));
        Assert.Contains(Stack.Sidecar.Logs.WithEventId(5021), e => e.RenderMessage().Contains(user.Id, StringComparison.Ordinal)
            && e.RenderMessage().Contains("system:tokens_per_day", StringComparison.Ordinal));

        fixture.Time.Advance(TimeSpan.FromSeconds(untilDayEnds));
        using var nextDay = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
        await nextDay.AssertOkJsonAsync();
        Assert.Equal("100", nextDay.Header("x-ratelimit-remaining-tokens"));
    }

    [Fact]
    public async Task Chat_StreamWithUsageTurnedOff_IsChargedAnEstimateSoTheBudgetHolds()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        // The client refuses the usage chunk: the provider reports nothing, yet 150 words in and a
        // 150-event stream out spent far more than the 100-token budget.
        using var request = new HttpRequestMessage(HttpMethod.Post, OpenAiChat)
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = "gpt-test",
                ["stream"] = true,
                ["stream_options"] = new JsonObject { ["include_usage"] = false },
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Words(150) }),
            }),
        };
        using (var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var streamed = await stream.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("\"usage\":{", streamed, StringComparison.Ordinal);
        }

        await CallsEndedAsync(Stack, user, 1);
        using var refused = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("insufficient_quota", problem["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_OwnKey_UnlimitedByDefaultWhileSystemKeyCallsAreLimited()
    {
        var user = await Stack.Keycloak.CreateUserAsync("free");
        using var client = Stack.Sidecar.Client(await user.TokenAsync());
        await (await client.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();
        // The system-key budget spent: own-key calls do not draw on it.
        Charge(Stack.Sidecar, user, "free", "system", LimitsFixture.TokensPerDay, fixture.Time.GetUtcNow());

        for (var i = 0; i < LimitsFixture.RequestsPerMinute * 3; i++)
        {
            using var own = await client.SendAsync(Chat(), TestContext.Current.CancellationToken);
            await own.AssertOkJsonAsync();
            Assert.Equal("byok", own.Header("X-Byok-Key-Source"));
            // No limit of the gateway applies: the provider's own headers pass unchanged.
            Assert.Equal("10000", own.Header("x-ratelimit-limit-requests"));
        }

        // Anthropic has no key of the user's: system key, and its spent budget.
        using var system = await client.SendAsync(AnthropicMessage(), TestContext.Current.CancellationToken);
        var problem = await system.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("insufficient_quota", problem["error"]!["code"]!.GetValue<string>());
    }
}
