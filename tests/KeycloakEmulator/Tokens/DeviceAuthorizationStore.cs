using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace KeycloakEmulator.Tokens;

internal sealed class DeviceAuthorizationStore
{
    // Keycloak's user codes: eight letters shown as XXXX-XXXX, without easily confused ones.
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    private readonly ConcurrentDictionary<string, DeviceAuthorization> _byDeviceCode = new(StringComparer.Ordinal);

    public DeviceAuthorization Create(string realm, string clientId, string? scope, DateTimeOffset now, int lifespanSeconds, int intervalSeconds)
    {
        var userCode = new string(Enumerable.Range(0, 8).Select(_ => UserCodeAlphabet[RandomNumberGenerator.GetInt32(UserCodeAlphabet.Length)]).ToArray());
        var authorization = new DeviceAuthorization
        {
            DeviceCode = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(),
            UserCode = userCode[..4] + "-" + userCode[4..],
            Realm = realm,
            ClientId = clientId,
            Scope = scope,
            ExpiresAt = now.AddSeconds(lifespanSeconds),
            IntervalSeconds = intervalSeconds,
        };
        _byDeviceCode[authorization.DeviceCode] = authorization;
        return authorization;
    }

    public DeviceAuthorization? FindByDeviceCode(string deviceCode) => _byDeviceCode.GetValueOrDefault(deviceCode);

    public DeviceAuthorization? FindByUserCode(string realm, string userCode) =>
        _byDeviceCode.Values.FirstOrDefault(d => d.Realm == realm && string.Equals(d.UserCode.Replace("-", "", StringComparison.Ordinal), userCode.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));

    public void Remove(string deviceCode) => _byDeviceCode.TryRemove(deviceCode, out _);

    /// <summary>DeviceGrantType.isPollingAllowed: a poll sooner than the interval after the previous one is refused; every poll counts.</summary>
    public static bool IsPollingAllowed(DeviceAuthorization authorization, DateTimeOffset now)
    {
        lock (authorization)
        {
            var allowed = authorization.LastPoll is null || now - authorization.LastPoll.Value >= TimeSpan.FromSeconds(authorization.IntervalSeconds);
            authorization.LastPoll = now;
            return allowed;
        }
    }
}
