using ByokGateway.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace ByokGateway.Tests.Auth;

/// <summary>Where the caller's token is read from; the per-thread memo of the last header must never hand out another caller's token.</summary>
public sealed class CallerCredentialsTests
{
    [Fact]
    public async Task ReadToken_AlternatingHeaders_ReturnsEachHeadersOwnToken()
    {
        Assert.Equal("token-a", await ReadAsync("Authorization", "Bearer token-a"));
        Assert.Equal("token-b", await ReadAsync("Authorization", "Bearer token-b"));
        Assert.Equal("token-a", await ReadAsync("Authorization", "Bearer token-a"));
        Assert.Equal("token-a", await ReadAsync("Authorization", "bearer token-a "));
    }

    [Fact]
    public async Task ReadToken_SdkKeyHeaders_AreAcceptedWhenThereIsNoBearer()
    {
        Assert.Equal("token-x", await ReadAsync("x-api-key", "token-x"));
        Assert.Equal("token-g", await ReadAsync("x-goog-api-key", " token-g "));
        Assert.Null(await ReadAsync("Authorization", "Basic dXNlcjpwYXNz"));
    }

    private static async Task<string?> ReadAsync(string header, string value)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers[header] = value;
        var context = new MessageReceivedContext(
            http, new AuthenticationScheme(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler)), new JwtBearerOptions());
        await CallerCredentials.ReadToken(context);
        return context.Token;
    }
}
