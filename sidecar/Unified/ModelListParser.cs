using System.Text.Json;
using ByokGateway.Providers;

namespace ByokGateway.Unified;

/// <summary>
/// Reads a provider's model list as its catalogue entry describes it (<see cref="ProviderModelList"/>):
/// OpenAI's <c>{"data":[{"id"}]}</c>, Anthropic's (the same members), Cohere's
/// <c>{"models":[{"name"}]}</c>, Together's bare array. Entries without a string id are skipped.
/// </summary>
internal static class ModelListParser
{
    /// <summary>The models, ids prefixed <c>&lt;provider&gt;/</c>; null when the document does not have the described shape.</summary>
    public static List<ListedModel>? Parse(JsonElement root, Provider provider, ProviderModelList list)
    {
        var array = root;
        if (list.Array.Length > 0)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(list.Array, out array))
            {
                return null;
            }
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var models = new List<ListedModel>(array.GetArrayLength());
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty(list.Id, out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } name)
            {
                continue;
            }

            var created = entry.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var seconds) ? seconds : 0;
            var ownedBy = entry.TryGetProperty("owned_by", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : provider.Id;
            models.Add(new ListedModel(provider.Id + "/" + name, created, ownedBy));
        }

        return models;
    }

    /// <summary>A fixed list from the catalogue (providers that publish none).</summary>
    public static List<ListedModel> Fixed(Provider provider, ProviderModelList list) =>
        [.. list.Ids.Select(id => new ListedModel(provider.Id + "/" + id, 0, provider.Id))];
}
