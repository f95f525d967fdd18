using System.Net;
using System.Security.Claims;
using ByokGateway.Keys;
using ByokGateway.Proxy;
using ByokGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ByokGateway.Tests.Proxy;

/// <summary>
/// The realm-user policy on the proxy routes (checked by the proxy's first step) and on the
/// management API (an authorization policy), one predicate for both: no token is 401, an
/// authenticated caller without a subject, or with an empty one, is 403, and nothing reaches the
/// provider or Keycloak's stored attributes. A valid token of a user the realm has since disabled or
/// deleted is 403 too, whichever key (own or system) the call would have used.
/// </summary>
public sealed class ProxyAuthorizationTests : IAsyncLifetime
{
    private TestGateway _stack = null!;

    public async ValueTask InitializeAsync() =>
        _stack = await TestGateway.StartAsync(services: services => services.AddHttpContextAccessor().AddSingleton<IClaimsTransformation, DropSubjectOfMarkedUsers>());

    public async ValueTask DisposeAsync() => await _stack.DisposeAsync();

    [Theory]
    [InlineData(DropSubjectOfMarkedUsers.Remove)]
    [InlineData(DropSubjectOfMarkedUsers.Empty)]
    public async Task Chat_AuthenticatedWithoutSubject_Returns403AndForwardsNothing(string subject)
    {
        using var caller = await CallerWithoutSubjectAsync(subject);
        var before = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await caller.Client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: caller.User.Id));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Theory]
    [InlineData(DropSubjectOfMarkedUsers.Remove)]
    [InlineData(DropSubjectOfMarkedUsers.Empty)]
    public async Task AddKey_AuthenticatedWithoutSubject_Returns403AndStoresNothing(string subject)
    {
        using var caller = await CallerWithoutSubjectAsync(subject);

        using var response = await caller.Client.AddKeyAsync("openai", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var attributes = (await _stack.Keycloak.GetUserAsync(caller.User.Id))["attributes"]?.AsObject() ?? [];
        Assert.DoesNotContain(attributes, a => a.Key.StartsWith("byok_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_WithoutToken_Returns401AndForwardsNothing()
    {
        using var client = _stack.Sidecar.Client();
        var before = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: "anonymous"));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Fact]
    public async Task Chat_AuthenticatedWithSubject_IsForwarded()
    {
        // Control for the 403 test: the same gateway forwards an ordinary user's call.
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        using var client = _stack.Sidecar.Client(await user.TokenAsync());

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("starter", "byok")]
    [InlineData("free", "system")]
    public async Task Chat_DisabledUser_Returns403AndForwardsNothing(string tier, string keySource)
    {
        using var caller = await ForwardedCallerAsync(tier, keySource);
        var (user, client) = (caller.User, caller.Client);
        var representation = await _stack.Keycloak.GetUserAsync(user.Id);
        representation["enabled"] = false;
        await _stack.Keycloak.PutUserAsync(user.Id, representation);
        await ForgetCachedAsync(user);
        var before = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains(KeyResolutionMiddleware.KeySourceHeader));
        Assert.Equal(before, (await _stack.Provider.RequestsAsync()).Count);
    }

    [Theory]
    [InlineData("starter", "byok")]
    [InlineData("free", "system")]
    public async Task Chat_DeletedUser_Returns403AndForwardsNothing(string tier, string keySource)
    {
        using var caller = await ForwardedCallerAsync(tier, keySource);
        var (user, client) = (caller.User, caller.Client);
        using (var deleted = await _stack.Keycloak.AdminSendAsync(HttpMethod.Delete, $"admin/realms/{KeycloakServer.Realm}/users/{user.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ForgetCachedAsync(user);
        var before = (await _stack.Provider.RequestsAsync()).Count;

        using var response = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("does not exist", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await _stack.Provider.RequestsAsync()).Count);
    }

    /// <summary>
    /// A user of <paramref name="tier"/> (starter: with an OpenAI key of their own) whose chat call
    /// was just forwarded with the <paramref name="keySource"/> key, so the gateway has their record cached.
    /// </summary>
    private async Task<Caller> ForwardedCallerAsync(string tier, string keySource)
    {
        var user = await _stack.Keycloak.CreateUserAsync(tier);
        var client = _stack.Sidecar.Client(await user.TokenAsync());
        if (keySource == "byok")
        {
            await (await client.AddKeyAsync("openai", TestGateway.ValidUserKeys[0])).AssertOkJsonAsync();
        }

        using var forwarded = await client.SendAsync(ProxyTests.Chat("openai/v1/chat/completions", "gpt-test", content: user.Id));
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Equal(keySource, forwarded.Headers.GetValues(KeyResolutionMiddleware.KeySourceHeader).Single());
        return new Caller(user, client);
    }

    /// <summary>What the admin-events follower does when Keycloak reports the change (or the cache duration, at the latest).</summary>
    private async Task ForgetCachedAsync(TestUser user) =>
        await _stack.Sidecar.Services.GetRequiredService<KeyStore>().InvalidateAsync(user.Id);

    /// <summary>A new starter user whose requests reach the gateway with 'sub' removed or emptied (<paramref name="subject"/>).</summary>
    private async Task<Caller> CallerWithoutSubjectAsync(string subject)
    {
        var user = await _stack.Keycloak.CreateUserAsync("starter");
        var client = _stack.Sidecar.Client(await user.TokenAsync());
        client.DefaultRequestHeaders.Add(DropSubjectOfMarkedUsers.Marker, subject);
        return new Caller(user, client);
    }

    private sealed record Caller(TestUser User, HttpClient Client) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    /// <summary>
    /// Removes 'sub' from the principal of requests that carry the marker header, or empties it
    /// (without touching the shared identity).
    /// </summary>
    private sealed class DropSubjectOfMarkedUsers(IHttpContextAccessor accessor) : IClaimsTransformation
    {
        public const string Marker = "X-Test-Drop-Subject";
        public const string Remove = "remove";
        public const string Empty = "empty";

        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            var mode = accessor.HttpContext?.Request.Headers[Marker].ToString();
            if (mode is not (Remove or Empty) || principal.Identity is not ClaimsIdentity identity)
            {
                return Task.FromResult(principal);
            }

            var claims = identity.Claims.Where(c => c.Type != "sub").Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer)).ToList();
            if (mode == Empty)
            {
                claims.Add(new Claim("sub", string.Empty));
            }

            return Task.FromResult(new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType)));
        }
    }
}
