namespace ByokGateway.Bench;

/// <summary>The configurations, in the order each round runs them.</summary>
internal enum Target
{
    /// <summary>wrk straight to the upstream, with the provider key.</summary>
    Direct,

    /// <summary>nginx as reverse proxy, with its default access log (a line per request).</summary>
    Nginx,

    /// <summary>The same nginx without any access log.</summary>
    NginxNoLog,

    /// <summary>The sidecar (Release) with the emulator behind it.</summary>
    Sidecar,

    /// <summary>The same sidecar process, the same user and key, authenticated with a gateway key instead of the token.</summary>
    SidecarGatewayKey,
    /// <summary>
    /// The same sidecar through its unified endpoint: <c>POST /v1/chat/completions</c> with
    /// <c>"model": "openai/gpt-4o-mini"</c>, so the gateway reads the body for its model and cuts the prefix.
    /// </summary>
    SidecarUnified,
}

/// <summary>One wrk run of one configuration, with the CPU its server processes used meanwhile.</summary>
internal sealed record Measurement(int Round, int Connections, Target Target, WrkResult Wrk, double ServerCpuSeconds, double UpstreamCpuSeconds, long? LogEvents)
{
    /// <summary>CPU of the measured server (the proxy; for direct runs the upstream) per request, in µs.</summary>
    public double ServerCpuMicrosecondsPerRequest => Wrk.Requests == 0 ? 0 : ServerCpuSeconds * 1e6 / Wrk.Requests;
}
