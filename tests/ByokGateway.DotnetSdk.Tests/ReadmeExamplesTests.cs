using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// The README example reads the process environment and writes to the console, so its tests run
/// one at a time (and nothing else in this assembly reads GATEWAY_URL, BYOK_KEY or the console).
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ProcessWideState;

/// <summary>
/// Runs the README's .NET recipe (<see cref="ReadmeExamples"/>) with only the two environment
/// variables it reads; ToolsReadmeTests checks that the README shows this very code.
/// </summary>
[Collection(nameof(ProcessWideState))]
public sealed class ReadmeExamplesTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    [Theory]
    [InlineData(Credential.GatewayKey)]
    [InlineData(Credential.KeycloakToken)]
    public async Task RunAsync_GatewayUrlAndUsersCredential_PrintsBothRepliesServedWithUsersKeys(Credential credential)
    {
        var user = await SdkUser.CreateAsync(Stack, credential);

        var before = (await Stack.Provider.RequestsAsync()).Count;

        var output = await RunWithEnvironmentAsync(user.ApiKey);

        Assert.Equal("fake: Say hello\nfake: Say hello\n", output.ReplaceLineEndings("\n"));
        await AssertServedWithUsersKeysAsync(before, user.ApiKey);
    }

    private async Task<string> RunWithEnvironmentAsync(string key)
    {
        var console = Console.Out;
        using var captured = new StringWriter();
        Environment.SetEnvironmentVariable("GATEWAY_URL", Stack.Sidecar.Url.ToString().TrimEnd('/'));
        Environment.SetEnvironmentVariable("BYOK_KEY", key);
        Console.SetOut(captured);
        try
        {
            await ReadmeExamples.RunAsync();
        }
        finally
        {
            Console.SetOut(console);
            Environment.SetEnvironmentVariable("GATEWAY_URL", null);
            Environment.SetEnvironmentVariable("BYOK_KEY", null);
        }

        return captured.ToString();
    }

    /// <summary>The README's prompt is the bare "Say hello" (other tests add their user's id), one call per SDK since <paramref name="before"/>.</summary>
    private async Task AssertServedWithUsersKeysAsync(int before, string credential)
    {
        var requests = (await Stack.Provider.RequestsAsync()).Skip(before).Select(r => r!.AsObject())
            .Where(r => r["body"]?.GetValue<string>() is { } body && body.Contains("\"Say hello\"", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(["/v1/chat/completions", "/v1/messages"], requests.Select(r => r["path"]!.GetValue<string>()));
        Assert.True(SdkUser.OpenAiKey == requests[0]["key"]?.GetValue<string>(), "the OpenAI call was not served with the user's own key");
        Assert.True(SdkUser.AnthropicKey == requests[1]["key"]?.GetValue<string>(), "the Anthropic call was not served with the user's own key");
        foreach (var request in requests)
        {
            SecretAssert.Absent(request.ToJsonString(), credential, "the README example's credential", "What the provider received");
        }
    }
}
