using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FakeProvider.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FakeProvider.Tests;

public sealed partial class FakeProviderAppTests
{
    [Fact]
    public async Task Create_KeysFromSectionAndVariableAndDelegate_AreAllAccepted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeProviderServer.StartAsync(
            ["--FakeProvider:Keys:0=sk-from-section", "--FAKE_PROVIDER_KEYS=sk-from-variable-1, sk-from-variable-2"],
            o => o.Keys.Add("sk-from-delegate"));

        foreach (var key in new[] { "sk-from-section", "sk-from-variable-1", "sk-from-variable-2", "sk-from-delegate" })
        {
            Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(server, key, ct));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(server, "sk-from-nowhere", ct));
    }

    [Fact]
    public void Create_WithoutUrls_ListensOnDefaultUrl()
    {
        using var app = FakeProviderApp.Create([], o => o.Keys.Add("sk-any"));

        Assert.Equal("http://127.0.0.1:8190", app.Configuration[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public void Create_WithUrls_KeepsThem()
    {
        using var app = FakeProviderApp.Create(["--urls", "http://127.0.0.1:0"], o => o.Keys.Add("sk-any"));

        Assert.Equal("http://127.0.0.1:0", app.Configuration[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public void Create_HostAppSettingsInContentRoot_AreIgnored()
    {
        var contentRoot = Directory.CreateTempSubdirectory("fake-provider-");
        try
        {
            File.WriteAllText(Path.Combine(contentRoot.FullName, "appsettings.json"),
                """{"Urls":"http://127.0.0.1:1","FakeProvider":{"Keys":["sk-from-appsettings"]}}""");

            using var app = FakeProviderApp.Create(["--contentRoot", contentRoot.FullName], o => o.Keys.Add("sk-any"));

            Assert.Equal(contentRoot.FullName.TrimEnd('/'), app.Environment.ContentRootPath.TrimEnd('/'));
            Assert.Equal(FakeProviderApp.DefaultUrl, app.Configuration[WebHostDefaults.ServerUrlsKey]);
            var keys = app.Services.GetRequiredService<IOptions<FakeProviderOptions>>().Value.Keys;
            Assert.Equal(["sk-any"], keys);
        }
        finally
        {
            contentRoot.Delete(recursive: true);
        }
    }

    [Fact]
    public void Create_KeyWithSurroundingWhitespace_FailsWithActionableMessage()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            FakeProviderApp.Create(["--urls", "http://127.0.0.1:0"], o => o.Keys.Add("sk-padded ")));

        Assert.Contains("FakeProvider:Keys", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-padded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_StartedAsProcessOnPortZero_LogsNowListeningAndServesVariableKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "FakeProvider.dll"), "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["FAKE_PROVIDER_KEYS"] = "sk-process-key", ["DOTNET_NOLOGO"] = "1" },
        };
        using var process = Process.Start(start)!;
        try
        {
            Uri? address = null;
            while (address is null && await process.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                var match = NowListening().Match(line);
                if (match.Success)
                {
                    address = new Uri(match.Groups["url"].Value);
                }
            }

            Assert.NotNull(address);
            Assert.NotEqual(0, address.Port);
            using var client = new HttpClient { BaseAddress = address };
            using var health = await client.GetAsync(new Uri("/_fake/health", UriKind.Relative), bound.Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: "sk-process-key");
            using var models = await client.SendAsync(request, bound.Token);
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex NowListening();

    private static async Task<HttpStatusCode> StatusWithKeyAsync(FakeProviderServer server, string key, CancellationToken ct)
    {
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: key);
        using var response = await server.Client.SendAsync(request, ct);
        return response.StatusCode;
    }
}
