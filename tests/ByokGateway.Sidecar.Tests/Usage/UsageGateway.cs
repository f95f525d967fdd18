using System.Net.Http.Json;
using ByokGateway.Tests.Infrastructure;
using ByokGateway.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Usage;

/// <summary>A gateway stack whose usage records also go to a <see cref="RecordingUsageSink"/>, plus a sink that always throws.</summary>
public sealed class UsageGateway : IAsyncLifetime
{
    public const string OpenAiKey = "sk-user-valid-openai-0001";
    public const string AnthropicKey = "sk-ant-user-valid-0001";
    public const string GeminiKey = "gemini-user-valid-0001";

    private TestGateway? _stack;

    public TestGateway Stack => _stack ?? throw new InvalidOperationException("The usage stack is not started.");

    public RecordingUsageSink Records { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _stack = await TestGateway.StartAsync(services: services =>
        {
            services.AddSingleton<IUsageSink, ThrowingUsageSink>();
            services.AddSingleton<IUsageSink>(Records);
        });
        string[] keys = [TestGateway.SystemOpenAiKey, TestGateway.SystemAnthropicKey, .. TestGateway.ValidUserKeys, GeminiKey];
        (await Stack.Provider.Http.PutAsJsonAsync("_fake/keys", keys)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>Registered before the recording sink: its failure must reach neither the call nor the sinks after it.</summary>
    private sealed class ThrowingUsageSink : IUsageSink
    {
        public void Record(UsageRecord record) => throw new InvalidOperationException("This sink always fails.");
    }
}
