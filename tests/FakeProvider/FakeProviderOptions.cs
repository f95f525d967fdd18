namespace FakeProvider;

/// <summary>
/// Settings of the fake LLM provider, bound from the <c>FakeProvider</c> configuration section
/// (<c>FakeProvider:Keys:0=...</c>, environment <c>FakeProvider__Keys__0</c>) with the
/// comma-separated <c>FAKE_PROVIDER_KEYS</c> environment variable merged in.
/// </summary>
public sealed class FakeProviderOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "FakeProvider";

    /// <summary>Configuration key (normally an environment variable) holding extra comma-separated keys.</summary>
    public const string KeysVariable = "FAKE_PROVIDER_KEYS";

    /// <summary>Provider keys the fake accepts; a request with any other key, or none, gets 401.</summary>
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The API key the Lago stand-in (<c>/lago/api/v1/events/batch</c>) accepts as <c>Authorization: Bearer</c>
    /// (<c>FakeProvider:LagoApiKey</c>, env <c>FakeProvider__LagoApiKey</c>); unset, every batch gets 401.
    /// </summary>
    public string? LagoApiKey { get; set; }
}
