namespace KeycloakEmulator.Realm;

internal sealed record ProtocolMapperDefinition(string Name, string MapperType, IReadOnlyDictionary<string, string> Config)
{
    public string? Get(string key) => Config.TryGetValue(key, out var value) ? value : null;

    public bool IsOn(string key) => string.Equals(Get(key), "true", StringComparison.OrdinalIgnoreCase);
}
