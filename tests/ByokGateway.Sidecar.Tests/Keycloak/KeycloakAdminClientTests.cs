using System.Net;
using ByokGateway.Keycloak;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ByokGateway.Tests.Keycloak;

/// <summary>
/// How the Admin API client reacts to Keycloak's answers. A small Kestrel server plays the
/// failures the emulator has no switch for (a token rejected once, a dead server).
/// </summary>
public sealed class KeycloakAdminClientTests
{
    [Fact]
    public async Task GetUser_FirstTokenRejected_FetchesOneNewTokenAndRetriesOnce()
    {
        await using var server = await ScriptedKeycloak.StartAsync(rejectFirstTokens: 1);

        var user = await Client(server.Url).GetUserAsync("u1", CancellationToken.None);

        Assert.Equal("u1", user!["id"]!.GetValue<string>());
        Assert.Equal(2, server.TokenRequests);
        Assert.Equal(2, server.UserRequests);
    }

    [Fact]
    public async Task GetUser_TokenRejectedEveryTime_GivesUpAfterOneRetry()
    {
        await using var server = await ScriptedKeycloak.StartAsync(rejectFirstTokens: int.MaxValue);

        await Assert.ThrowsAsync<KeycloakRequestException>(() => Client(server.Url).GetUserAsync("u1", CancellationToken.None));

        Assert.Equal(2, server.UserRequests);
    }

    [Fact]
    public async Task GetUser_UnknownUser_ReturnsNull()
    {
        await using var server = await ScriptedKeycloak.StartAsync();

        Assert.Null(await Client(server.Url).GetUserAsync("missing", CancellationToken.None));
    }

    [Fact]
    public async Task GetUser_KeycloakAnswers503_ThrowsUnavailable()
    {
        await using var server = await ScriptedKeycloak.StartAsync();

        await Assert.ThrowsAsync<KeycloakUnavailableException>(() => Client(server.Url).GetUserAsync("broken", CancellationToken.None));
    }

    [Fact]
    public async Task GetUser_NothingListening_ThrowsUnavailable()
    {
        await Assert.ThrowsAsync<KeycloakUnavailableException>(() => Client(new Uri("http://127.0.0.1:1/")).GetUserAsync("u1", CancellationToken.None));
    }

    private static KeycloakAdminClient Client(Uri url)
    {
        var options = Options.Create(new KeycloakOptions { Url = url, ClientSecret = "secret" });
        var tokens = new ServiceAccountTokenProvider(new HttpClient { BaseAddress = url }, options, TimeProvider.System, NullLogger<ServiceAccountTokenProvider>.Instance);
        return new KeycloakAdminClient(
            new HttpClient { BaseAddress = url },
            tokens,
            options,
            new KeycloakMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())),
            NullLogger<KeycloakAdminClient>.Instance);
    }

    private sealed class ScriptedKeycloak : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _tokenRequests;
        private int _userRequests;

        private ScriptedKeycloak(WebApplication app, int rejectFirstTokens)
        {
            _app = app;
            app.MapPost("/realms/byok/protocol/openid-connect/token", () =>
            {
                var n = Interlocked.Increment(ref _tokenRequests);
                return Results.Json(new { access_token = $"token-{n}", expires_in = 300, token_type = "Bearer" });
            });
            app.MapGet("/admin/realms/byok/users/{id}", (string id, HttpRequest request) =>
            {
                Interlocked.Increment(ref _userRequests);
                var token = request.Headers.Authorization.ToString()["Bearer token-".Length..];
                if (int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) <= rejectFirstTokens)
                {
                    return Results.Json(new { error = "HTTP 401 Unauthorized" }, statusCode: 401);
                }

                return id switch
                {
                    "missing" => Results.Json(new { error = "User not found" }, statusCode: 404),
                    "broken" => Results.StatusCode(503),
                    _ => Results.Json(new { id, username = "someone", attributes = new { } }),
                };
            });
        }

        public Uri Url { get; private set; } = null!;

        public int TokenRequests => _tokenRequests;

        public int UserRequests => _userRequests;

        public static async Task<ScriptedKeycloak> StartAsync(int rejectFirstTokens = 0)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var server = new ScriptedKeycloak(builder.Build(), rejectFirstTokens);
            await server._app.StartAsync();
            server.Url = ServerAddress.Of(server._app);
            return server;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
