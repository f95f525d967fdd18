using KeycloakEmulator.Hosting;

namespace KeycloakEmulator.Realm;

/// <summary>All realms the emulator serves, loaded once at startup from the configured files.</summary>
internal sealed class RealmStore
{
    private readonly Dictionary<string, RealmState> _realms;

    public RealmStore(EmulatorOptions options, TimeProvider time)
    {
        var variables = new PlaceholderResolver(name =>
            options.Variables.TryGetValue(name, out var value) && value is not null ? value : Environment.GetEnvironmentVariable(name));
        var loader = new RealmFileLoader(variables, time);
        _realms = new Dictionary<string, RealmState>(StringComparer.Ordinal);
        foreach (var file in options.RealmFiles)
        {
            var realm = loader.LoadRealm(file);
            if (!_realms.TryAdd(realm.Name, realm))
            {
                throw new EmulatorStartupException($"Realm '{realm.Name}' is defined twice ({file}).");
            }
        }

        foreach (var file in options.UsersFiles)
        {
            loader.LoadUsers(file, _realms);
        }

        if (!_realms.ContainsKey(StockRealmContent.MasterRealm))
        {
            string Variable(string name, string fallback) =>
                (options.Variables.TryGetValue(name, out var v) ? v : null) ?? Environment.GetEnvironmentVariable(name) ?? fallback;
            _realms[StockRealmContent.MasterRealm] = StockRealmContent.CreateMaster(
                Variable("KC_BOOTSTRAP_ADMIN_USERNAME", "admin"),
                Variable("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin"),
                time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    public RealmState? Find(string name) => _realms.GetValueOrDefault(name);

    public IEnumerable<RealmState> All => _realms.Values;
}
