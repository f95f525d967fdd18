namespace FakeProvider.Chat;

internal enum ModelSwitchKind
{
    /// <summary>Any model not below: answers the echo reply.</summary>
    Normal,

    /// <summary><c>fake-status-&lt;code&gt;</c>: that status with the provider's error body.</summary>
    Status,

    /// <summary><c>fake-gated</c>: first chunk, then waits for the gate named by <c>x-fake-gate</c>.</summary>
    Gated,

    /// <summary><c>fake-hang</c>: never answers until the client disconnects.</summary>
    Hang,

    /// <summary><c>fake-slow</c>: 50 chunks about 100 ms apart.</summary>
    Slow,
}
