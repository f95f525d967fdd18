using System.Text;
using ByokGateway.Auth;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Tests.Auth;

public sealed class TokenHeaderTests
{
    [Theory]
    [InlineData("""{"alg":"RS256","typ":"JWT","kid":"abc-123"}""", "abc-123")]
    [InlineData("""{"kid":"first","alg":"RS256"}""", "first")]
    [InlineData("""{"alg":"RS256","x":{"kid":"nested"}}""", null)]
    [InlineData("""{"alg":"RS256","kid":42}""", null)]
    [InlineData("""{"alg":"none"}""", null)]
    [InlineData("""["kid"]""", null)]
    public void Kid_Header_ReadsTheTopLevelStringKid(string header, string? kid)
    {
        var token = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + ".e30.sig";

        Assert.Equal(kid, TokenHeader.Kid(token));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData(".e30.sig")]
    [InlineData("!!!.e30.sig")]
    [InlineData("e30")]
    public void Kid_NotAJws_ReturnsNull(string token)
    {
        Assert.Null(TokenHeader.Kid(token));
    }
}
