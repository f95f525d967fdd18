using System.Collections.Concurrent;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Tokens;

/// <summary>
/// Keycloak's brute-force detection, reduced to what the realm's settings say: after every
/// <c>failureFactor</c> consecutive failures the user is locked for <c>waitIncrementSeconds</c> times the number of
/// lockouts (at most <c>maxFailureWaitSeconds</c>); failures older than <c>maxDeltaTimeSeconds</c> are forgotten;
/// a successful login or an admin enabling the user clears them. The quick-login check is not modelled.
/// </summary>
internal sealed class BruteForceProtector(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Realm, string UserId), FailureRecord> _failures = new();

    public bool IsLocked(RealmState realm, UserRecord user) =>
        realm.Settings.BruteForceProtected
        && _failures.TryGetValue((realm.Name, user.Id), out var record)
        && record.LockedUntil > time.GetUtcNow();

    public void Failure(RealmState realm, UserRecord user)
    {
        if (!realm.Settings.BruteForceProtected)
        {
            return;
        }

        var now = time.GetUtcNow();
        var s = realm.Settings;
        _failures.AddOrUpdate((realm.Name, user.Id), _ => Next(new FailureRecord(0, now, DateTimeOffset.MinValue)), (_, old) => Next(old));

        FailureRecord Next(FailureRecord old)
        {
            var count = now - old.LastFailure > TimeSpan.FromSeconds(s.MaxDeltaTimeSeconds) ? 1 : old.Count + 1;
            var lockedUntil = old.LockedUntil;
            if (s.FailureFactor > 0 && count % s.FailureFactor == 0)
            {
                if (s.PermanentLockout)
                {
                    user.Enabled = false;
                }
                else
                {
                    var wait = Math.Min(s.WaitIncrementSeconds * (count / s.FailureFactor), s.MaxFailureWaitSeconds);
                    lockedUntil = now.AddSeconds(wait);
                }
            }

            return new FailureRecord(count, now, lockedUntil);
        }
    }

    public void Clear(RealmState realm, UserRecord user) => _failures.TryRemove((realm.Name, user.Id), out _);

    private sealed record FailureRecord(int Count, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);
}
