using System.ClientModel;
using Anthropic;
using Anthropic.Models.Messages;
using OpenAI;
using OpenAI.Chat;

namespace ByokGateway.DotnetSdk.Tests;

/// <summary>
/// The README's .NET recipe ("Use it from your tools"), line for line: <c>ReadmeExamplesTests</c>
/// runs it against the gateway and checks the README still shows exactly this code.
/// </summary>
internal static class ReadmeExamples
{
    public static async Task RunAsync()
    {
        var gateway = Environment.GetEnvironmentVariable("GATEWAY_URL"); // e.g. http://localhost:8080
        var key = Environment.GetEnvironmentVariable("BYOK_KEY"); // a gateway key or a Keycloak access token

        var chat = new ChatClient("openai/gpt-5.4-mini", new ApiKeyCredential(key!),
            new OpenAIClientOptions { Endpoint = new Uri($"{gateway}/v1") });
        ChatCompletion completion = await chat.CompleteChatAsync("Say hello");
        Console.WriteLine(completion.Content[0].Text);

        using var claude = new AnthropicClient { ApiKey = key!, BaseUrl = $"{gateway}/anthropic" };
        var message = await claude.Messages.Create(new MessageCreateParams
        {
            Model = "claude-haiku-4-5",
            MaxTokens = 1024,
            Messages = [new UserMessageParam("Say hello")],
        });
        if (message.Content[0].TryPickText(out var text))
        {
            Console.WriteLine(text.Text);
        }
    }
}
