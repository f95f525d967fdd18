namespace FakeProvider.Compat;

/// <summary>
/// Where a provider serves its OpenAI-compatible API, as the gateway's catalogue <c>OpenAiPath</c>
/// says: <see cref="Base"/> + <c>/chat/completions</c>, <c>/completions</c>, <c>/embeddings</c>,
/// <c>/models</c>. <see cref="Name"/> is what replies on this mount say (header
/// <c>x-fake-mount</c>, <c>system_fingerprint</c>, the first model of its list); paths several
/// providers share (<c>/v1</c>) cannot tell them apart, the key that arrived does.
/// </summary>
internal sealed record CompatMount(string Name, string Base, string ServedFor)
{
    /// <summary>Response header naming the mount that answered.</summary>
    public const string Header = "x-fake-mount";

    public string Fingerprint => "fake-" + Name;

    /// <summary>The model this mount's list names first; only this mount lists it.</summary>
    public string OwnModel => Name + "-model";
}
