using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ByokGateway.Auth;

/// <summary>
/// The JWT bearer handler's token handler, with successful validations remembered in
/// <see cref="TokenValidationCache"/>. Everything else is <see cref="JsonWebTokenHandler"/>'s.
/// </summary>
public sealed class CachingTokenHandler(TokenValidationCache cache) : JsonWebTokenHandler
{
    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters) =>
        cache.TryGet(token, out var cached) ? cached : ValidateAndRememberAsync(token, validationParameters);

    private async Task<TokenValidationResult> ValidateAndRememberAsync(string token, TokenValidationParameters validationParameters)
    {
        var result = await base.ValidateTokenAsync(token, validationParameters);
        cache.Add(token, result);
        return result;
    }
}
