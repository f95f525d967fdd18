using ByokGateway.Keycloak;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ByokGateway.Tests.Keycloak;

/// <summary>The service-account token against the emulator's token endpoint, with a fake clock.</summary>
public sealed class ServiceAccountTokenProviderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private KeycloakServer? _keycloak;
    private HttpClient? _http;

    private KeycloakServer Keycloak => _keycloak!;

    public async ValueTask InitializeAsync()
    {
        _keycloak = await KeycloakServer.StartAsync();
        _http = new HttpClient { BaseAddress = _keycloak.Url };
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_keycloak is not null)
        {
            await _keycloak.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetToken_ManyConcurrentCallers_RequestOneToken()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "counts token requests with the emulator's counters");
        var provider = Provider();
        var before = await TokenRequestsAsync();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => provider.GetTokenAsync(CancellationToken.None).AsTask()));

        Assert.True(tokens.Distinct().Count() == 1, "every caller must get the same token");
        Assert.Equal(1, await TokenRequestsAsync() - before);
    }

    [Fact]
    public async Task GetToken_UntilThirtySecondsBeforeExpiry_ReusesTheToken_ThenRefreshes()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "counts token requests with the emulator's counters");
        var provider = Provider();
        var first = await provider.GetTokenAsync(CancellationToken.None);
        var before = await TokenRequestsAsync();
        var lifetime = TimeSpan.FromSeconds(Lifetime(first));

        _time.Advance(lifetime - TimeSpan.FromSeconds(31));
        Assert.True(first == await provider.GetTokenAsync(CancellationToken.None), "the token must still be reused");
        Assert.Equal(0, await TokenRequestsAsync() - before);

        _time.Advance(TimeSpan.FromSeconds(2));
        await provider.GetTokenAsync(CancellationToken.None);
        Assert.Equal(1, await TokenRequestsAsync() - before);
    }

    [Fact]
    public async Task Invalidate_CurrentToken_NextCallFetchesAnother()
    {
        Assert.SkipUnless(Keycloak.IsEmulator, "counts token requests with the emulator's counters");
        var provider = Provider();
        var first = await provider.GetTokenAsync(CancellationToken.None);
        var before = await TokenRequestsAsync();

        provider.Invalidate("some-older-token");
        Assert.True(first == await provider.GetTokenAsync(CancellationToken.None), "invalidating another token must not drop the current one");
        provider.Invalidate(first);
        await provider.GetTokenAsync(CancellationToken.None);

        Assert.Equal(1, await TokenRequestsAsync() - before);
    }

    [Fact]
    public async Task GetToken_WrongSecret_ThrowsRequestExceptionNamingTheSetting()
    {
        var provider = Provider("wrong-secret");

        var error = await Assert.ThrowsAsync<KeycloakRequestException>(() => provider.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Contains("BYOK_SIDECAR_SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", error.Message, StringComparison.Ordinal);
    }

    private ServiceAccountTokenProvider Provider(string? secret = null) => new(
        _http!,
        Options.Create(new KeycloakOptions { Url = Keycloak.Url, ClientSecret = secret ?? Keycloak.Secret }),
        _time,
        NullLogger<ServiceAccountTokenProvider>.Instance);

    private async Task<int> TokenRequestsAsync() =>
        (await Keycloak.CountersAsync())["tokenRequests"]?[KeycloakServer.SidecarClient]?.GetValue<int>() ?? 0;

    private static long Lifetime(string token)
    {
        var jwt = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token);
        return jwt.Payload.Expiration!.Value - new DateTimeOffset(jwt.Payload.IssuedAt, TimeSpan.Zero).ToUnixTimeSeconds();
    }
}
