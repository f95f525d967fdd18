namespace ByokGateway.Usage;

/// <summary>
/// The model a request named, when a step before forwarding already read it (the unified
/// <c>/v1</c> endpoint does): the record's model when the response names none (an error, a cut-off stream).
/// </summary>
public sealed record RequestedModel(string Name)
{
    public static void Set(HttpContext context, string name) => context.Features.Set(new RequestedModel(name));

    public static string? Get(HttpContext context) => context.Features.Get<RequestedModel>()?.Name;
}
