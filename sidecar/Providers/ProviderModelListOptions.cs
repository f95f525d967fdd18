namespace ByokGateway.Providers;

/// <summary>
/// The provider's model list (section <c>Providers:&lt;id&gt;:ModelList</c>): a GET with the user's key
/// whose JSON holds an array of models, each with an id member.
/// </summary>
public sealed class ProviderModelListOptions
{
    /// <summary>Path under the base URL; default <see cref="ProviderOptions.OpenAiPath"/> + <c>/models</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Member of the answer holding the array (<c>data</c>, <c>models</c>); empty when the answer is the array itself.</summary>
    public string Array { get; set; } = "data";

    /// <summary>Member of each model holding its id (<c>id</c>, <c>name</c>).</summary>
    public string Id { get; set; } = "id";

    /// <summary>A fixed list for providers that publish none; when set, nothing is fetched.</summary>
    public List<string> Ids { get; set; } = [];
}
