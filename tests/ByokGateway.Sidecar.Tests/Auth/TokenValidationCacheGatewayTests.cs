using System.Net;
using System.Text;
using ByokGateway.Auth;
using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

/// <summary>The validation cache inside the running sidecar: a remembered token never vouches for a changed copy of it.</summary>
public sealed class TokenValidationCacheGatewayTests(SharedGateway shared)
{
    private TestGateway Stack => shared.Stack;

    [Fact]
    public async Task Request_TamperedCopyOfARememberedToken_Returns401()
    {
        var user = await Stack.Keycloak.CreateUserAsync("starter");
        var token = await user.TokenAsync();
        var cache = Stack.Sidecar.Services.GetRequiredService<TokenValidationCache>();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token));
        Assert.True(cache.TryGet(token, out _), "an accepted token is remembered");

        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.Replace("\"starter\"", "\"enterprise\"", StringComparison.Ordinal) + " ")}.{parts[2]}";
        var truncated = token[..^1];

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(truncated));
        Assert.False(cache.TryGet(tampered, out _));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token));
    }

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        using var client = Stack.Sidecar.Client(token);
        using var response = await client.GetAsync("api/v1/byok/keys");
        return response.StatusCode;
    }
}
