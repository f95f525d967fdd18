namespace ByokGateway.Providers;

/// <summary>
/// A validated <see cref="ProviderModelListOptions"/>: <see cref="Path"/> under the base URL answers
/// JSON whose <see cref="Array"/> member (the root when empty) holds models with an <see cref="Id"/>
/// member; or, when <see cref="Ids"/> is not empty, the fixed list and no request.
/// </summary>
public sealed record ProviderModelList(string Path, string Array, string Id, IReadOnlyList<string> Ids);
