using FakeProvider.Control;
using FakeProvider.Errors;
using FakeProvider.Lago;

namespace FakeProvider.Auth;

/// <summary>
/// Answers 401 in the provider's own error shape unless the request carries an accepted key.
/// Runs before routing so a bad key wins over 404 and over every fake-* model switch.
/// </summary>
internal sealed class ProviderKeyCheckMiddleware(RequestDelegate next, KeyStore keys)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (ControlApi.Owns(context.Request.Path) || LagoApi.Owns(context.Request.Path))
        {
            return next(context);
        }

        var key = ProviderKey.From(context.Request.Headers);
        if (keys.Accepts(key?.Value))
        {
            return next(context);
        }

        return ProviderErrors.Unauthorized(ProviderErrors.DialectOf(context.Request), keyMissing: key is null)
            .ExecuteAsync(context);
    }
}
