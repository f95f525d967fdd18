using System.Security.Claims;
using ByokGateway.Auth;
using ByokGateway.Hosting;
using ByokGateway.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ByokGateway.Unified;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{provider}/{model}</c> in OpenAI's shapes. Callers
/// authenticate as on the proxy (Keycloak token or gateway key, in any of the SDK headers).
/// </summary>
public static class UnifiedModelsApi
{
    public const string UnavailableHeader = "X-Byok-Models-Unavailable";

    public static IEndpointRouteBuilder MapUnifiedModels(this IEndpointRouteBuilder app)
    {
        // No authorization policy: the management API's refuses gateway keys, which the proxy's
        // routes (this one included, DESIGN.md §10) accept; the handlers check the caller as the proxy does.
        app.MapGet(UnifiedRoutes.Models, ListModelsAsync).WithName("ListUnifiedModels").WithTags("Unified endpoint");
        app.MapGet(UnifiedRoutes.Model, GetModelAsync).WithName("GetUnifiedModel").WithTags("Unified endpoint");
        return app;
    }

    public static async Task<Results<Ok<ModelListResponse>, ChallengeHttpResult, ProblemHttpResult>> ListModelsAsync(
        HttpContext context, ClaimsPrincipal user, KeyStore store, UnifiedModels models, CancellationToken cancellationToken)
    {
        if (!ByokAuthExtensions.IsRealmUser(user, out var userId))
        {
            return TypedResults.Challenge();
        }

        var record = await store.GetAsync(userId, cancellationToken);
        if (record is not { Enabled: true })
        {
            return AccountProblem(record);
        }

        var listing = await models.ListAsync(record, cancellationToken);
        if (listing.Unavailable.Count > 0)
        {
            context.Response.Headers[UnavailableHeader] = string.Join(", ", listing.Unavailable);
        }

        return TypedResults.Ok(new ModelListResponse(listing.Models));
    }

    public static async Task<Results<Ok<ListedModel>, ChallengeHttpResult, ProblemHttpResult>> GetModelAsync(
        string id, HttpContext context, ClaimsPrincipal user, KeyStore store, UnifiedModels models, ModelRouter router, CancellationToken cancellationToken)
    {
        if (!ByokAuthExtensions.IsRealmUser(user, out var userId))
        {
            return TypedResults.Challenge();
        }

        var record = await store.GetAsync(userId, cancellationToken);
        if (record is not { Enabled: true })
        {
            return AccountProblem(record);
        }

        // SDKs escape the id as one path segment (groq%2Fllama), which routing leaves escaped.
        id = Uri.UnescapeDataString(id);

        // An id without a provider prefix is looked up where the rules would send it.
        var route = router.Route(id);
        var wanted = route is { Outcome: ModelRouteOutcome.Provider, PrefixLength: 0 } ? route.Provider!.Id + "/" + id : id;
        var listing = await models.ListAsync(record, cancellationToken);
        if (listing.Unavailable.Count > 0)
        {
            context.Response.Headers[UnavailableHeader] = string.Join(", ", listing.Unavailable);
        }

        return listing.Models.FirstOrDefault(m => string.Equals(m.Id, wanted, StringComparison.Ordinal)) is { } model
            ? TypedResults.Ok(model)
            : UnifiedProblems.ModelNotFound(id);
    }

    // What the proxy answers such a caller (KeyResolver), so both routes agree.
    private static ProblemHttpResult AccountProblem(ByokRecord? record) =>
        record is null ? ApiProblems.AccountNotFound() : ApiProblems.AccountDisabled();
}
