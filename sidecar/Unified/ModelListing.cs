namespace ByokGateway.Unified;

/// <summary>A user's merged model list, and the providers whose lists could not be had this time.</summary>
public sealed record ModelListing(IReadOnlyList<ListedModel> Models, IReadOnlyList<string> Unavailable);
