using System.Collections.Concurrent;

namespace KeycloakEmulator.Tokens;

internal sealed class SessionStore
{
    private readonly ConcurrentDictionary<string, UserSession> _sessions = new(StringComparer.Ordinal);

    public UserSession Start(string realm, string userId, string clientId, string scope, DateTimeOffset now)
    {
        var session = new UserSession { Id = Guid.NewGuid().ToString(), Realm = realm, UserId = userId, ClientId = clientId, Scope = scope, Started = now, LastRefresh = now };
        _sessions[session.Id] = session;
        return session;
    }

    public UserSession? Find(string id) => _sessions.GetValueOrDefault(id);

    public void Remove(string id) => _sessions.TryRemove(id, out _);
}
