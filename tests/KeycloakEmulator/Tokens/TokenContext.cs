using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Tokens;

/// <summary>Everything a token is built from: who, for which client, in which session, seen from which frontend URL.</summary>
internal sealed record TokenContext(
    RealmState Realm,
    ClientDefinition Client,
    UserRecord User,
    UserSession? Session,
    string? RequestedScope,
    string FrontendBase,
    IReadOnlyDictionary<string, string> SessionNotes)
{
    public string Issuer => $"{FrontendBase}/realms/{Realm.Name}";
}
