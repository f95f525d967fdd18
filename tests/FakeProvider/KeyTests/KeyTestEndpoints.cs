using FakeProvider.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FakeProvider.KeyTests;

/// <summary>
/// The key-test calls of catalogue providers that are not a model list (DESIGN.md §6); the key
/// check already ran, so reaching these means the key is valid.
/// </summary>
internal static class KeyTestEndpoints
{
    public static IEndpointRouteBuilder MapKeyTests(this IEndpointRouteBuilder app)
    {
        app.MapGet(ProviderRoutes.OpenRouterKey, OpenRouterKey);
        app.MapPost(ProviderRoutes.CohereCheckApiKey, CohereCheckApiKey);
        app.MapGet(ProviderRoutes.HuggingFaceWhoAmI, HuggingFaceWhoAmI);
        return app;
    }

    private static JsonHttpResult<object> OpenRouterKey() => TypedResults.Json<object>(new
    {
        data = new
        {
            label = "fake-key",
            usage = 0,
            limit = (decimal?)null,
            limit_remaining = (decimal?)null,
            is_free_tier = false,
            is_provisioning_key = false,
        },
    });

    private static JsonHttpResult<object> CohereCheckApiKey() => TypedResults.Json<object>(new
    {
        valid = true,
        organization_id = "fake-organization",
        owner_id = "fake-owner",
    });

    private static JsonHttpResult<object> HuggingFaceWhoAmI() => TypedResults.Json<object>(new
    {
        type = "user",
        id = "fake-user-id",
        name = "fake-user",
        fullname = "Fake User",
        auth = new { type = "access_token", accessToken = new { displayName = "fake", role = "read" } },
    });
}
