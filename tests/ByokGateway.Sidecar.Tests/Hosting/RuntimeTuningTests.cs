using System.Diagnostics;
using System.Text.RegularExpressions;
using ByokGateway.Crypto;
using ByokGateway.Hosting;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ByokGateway.Tests.Hosting;

/// <summary>
/// The socket settings the hot path was measured with take effect in the real process (they only
/// work when set before the first socket exists), and an operator's own setting wins.
/// </summary>
public sealed partial class RuntimeTuningTests
{
    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "2")]
    [InlineData(3, "3")]
    [InlineData(8, "8")]
    public void Defaults_OneSocketEngineThreadPerCore_InlineCompletions(int cores, string engineThreads)
    {
        var defaults = RuntimeTuning.Defaults(cores).ToDictionary(d => d.Name, d => d.Value);

        Assert.Equal("1", defaults[RuntimeTuning.InlineCompletions]);
        Assert.Equal(engineThreads, defaults[RuntimeTuning.SocketEngineThreads]);
    }

    [Fact]
    public async Task Sidecar_RunsTheDefaultNumberOfSocketEngineThreads()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Counts the process's threads in /proc.");
        var expected = int.Parse(RuntimeTuning.Defaults(Environment.ProcessorCount).Single(d => d.Name == RuntimeTuning.SocketEngineThreads).Value);

        Assert.Equal(expected, await CountSocketEngineThreadsAsync(operatorSetting: null));
    }

    [Fact]
    public async Task Sidecar_OperatorsEngineThreadSettingWins()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Counts the process's threads in /proc.");

        Assert.Equal(3, await CountSocketEngineThreadsAsync(operatorSetting: "3"));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task Sidecar_KestrelInlineScheduling_OnUnlessTheOperatorTurnsItOff(string? setting, bool expected)
    {
        await using var gateway = await TestGateway.StartAsync(setting is null ? null : new Dictionary<string, string?> { ["Hosting:InlineScheduling"] = setting });

        var sockets = gateway.Sidecar.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.Equal(expected, sockets.UnsafePreferInlineScheduling);

        // And the gateway serves with it: a streamed chat through the proxy arrives whole.
        var user = await gateway.Keycloak.CreateUserAsync("starter");
        using var client = gateway.Sidecar.Client(await user.TokenAsync());
        using var request = Proxy.ProxyTests.Chat("openai/v1/chat/completions", "gpt-fake", stream: true, content: user.Id);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", body, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeConfig_ThreadPoolWorkersDoNotSpin()
    {
        // The runtime configuration the binary starts with (bench/README.md: streaming CPU per chunk).
        var runtimeConfig = Path.ChangeExtension(RepoPaths.SidecarDll, ".runtimeconfig.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(runtimeConfig));

        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    /// <summary>Starts the gateway, serves one request, and counts its socket engine threads.</summary>
    private static async Task<int> CountSocketEngineThreadsAsync(string? operatorSetting)
    {
        var start = ProcessRunner.SidecarStartInfo(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = Fernet.GenerateKey(),
            ["Keycloak__Url"] = "http://127.0.0.1:1",
            ["Keycloak__ClientSecret"] = "s",
            ["Logging__Format"] = null, // the start line is read in the text format
            [RuntimeTuning.InlineCompletions] = null,
            [RuntimeTuning.SocketEngineThreads] = operatorSetting,
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the sidecar.");
        _ = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            Uri? address = null;
            var seen = new System.Text.StringBuilder();
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.AppendLine(line);
                if (ListeningOn().Match(line) is { Success: true } match)
                {
                    address = new Uri(match.Groups[1].Value);
                }
            }

            Assert.True(address is not null, "The sidecar did not start: " + seen);
            _ = process.StandardOutput.ReadToEndAsync(timeout.Token);

            // Sockets exist on both sides once a request has been accepted and answered.
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri(address, "healthz"), timeout.Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

            return Directory.GetDirectories($"/proc/{process.Id}/task")
                .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
