namespace KeycloakEmulator;

/// <summary>
/// What the emulator loads and how it presents itself. Bound from the <c>Emulator</c> configuration
/// section (e.g. <c>--Emulator:Hostname=http://localhost:8180</c> or <c>Emulator__Hostname</c>); the
/// <c>configure</c> callback of <see cref="EmulatorApp.Create"/> runs after binding.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Realm export files (RealmRepresentation JSON), imported in order. Default: <c>&lt;repo&gt;/realm-export/byok-realm.json</c>.</summary>
    public List<string> RealmFiles { get; } = [];

    /// <summary>Partial user exports (<c>{"realm":..,"users":[..]}</c>). Default: <c>&lt;repo&gt;/realm-export/demo-users/byok-users-0.json</c>.</summary>
    public List<string> UsersFiles { get; } = [];

    /// <summary>Frontend base URL used for <c>iss</c> and endpoint URLs, like <c>KC_HOSTNAME</c>. Default: the request's scheme://host[:port].</summary>
    public string? Hostname { get; set; }

    /// <summary>Values for <c>${VAR}</c> placeholders in the loaded files; environment variables are the fallback.</summary>
    public IDictionary<string, string?> Variables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);
}
