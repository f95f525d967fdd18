namespace KeycloakEmulator.Realm;

/// <summary>The realm fields the emulator honours; defaults are Keycloak's import defaults.</summary>
internal sealed class RealmSettings
{
    public bool Enabled { get; set; } = true;

    public int AccessTokenLifespan { get; set; } = 300;

    public int SsoSessionIdleTimeout { get; set; } = 1800;

    public int SsoSessionMaxLifespan { get; set; } = 36000;

    public int DeviceCodeLifespan { get; set; } = 600;

    public int DevicePollingInterval { get; set; } = 5;

    public bool EditUsernameAllowed { get; set; }

    public bool DuplicateEmailsAllowed { get; set; }

    public bool RegistrationEmailAsUsername { get; set; }

    public bool BruteForceProtected { get; set; }

    public int FailureFactor { get; set; } = 30;

    public int WaitIncrementSeconds { get; set; } = 60;

    public int MaxFailureWaitSeconds { get; set; } = 900;

    public int MaxDeltaTimeSeconds { get; set; } = 43200;

    public bool PermanentLockout { get; set; }

    public bool EventsEnabled { get; set; }

    public long EventsExpiration { get; set; }

    public List<string> EventsListeners { get; } = ["jboss-logging"];

    public List<string> EnabledEventTypes { get; } = [];

    /// <summary>Admin events are stored only while this is on (AdminEventBuilder: no event store otherwise).</summary>
    public bool AdminEventsEnabled { get; set; }

    /// <summary>Whether stored admin events keep the request's representation.</summary>
    public bool AdminEventsDetailsEnabled { get; set; }
}
