using Microsoft.Extensions.Primitives;

namespace FakeProvider.Auth;

/// <summary>A provider key as it arrived, and the header it came in (lower case).</summary>
internal readonly record struct ProviderKey(string Value, string Header)
{
    private const string BearerPrefix = "Bearer ";

    // The headers the real providers read their keys from; DESIGN.md §6 "Auth".
    private static readonly string[] KeyHeaders = ["x-api-key", "x-goog-api-key", "api-key"];

    public static ProviderKey? From(IHeaderDictionary headers)
    {
        var authorization = First(headers.Authorization);
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[BearerPrefix.Length..].Trim();
            if (token.Length > 0)
            {
                return new ProviderKey(token, "authorization");
            }
        }

        foreach (var header in KeyHeaders)
        {
            var value = First(headers[header]).Trim();
            if (value.Length > 0)
            {
                return new ProviderKey(value, header);
            }
        }

        return null;
    }

    private static string First(StringValues values) => values.Count > 0 ? values[0] ?? "" : "";
}
