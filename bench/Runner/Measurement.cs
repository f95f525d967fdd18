namespace ByokGateway.Bench;

/// <summary>The three configurations, in the order each round runs them.</summary>
internal enum Target
{
    Direct,
    Nginx,
    Sidecar,
}

/// <summary>One wrk run of one configuration, with the CPU its server processes used meanwhile.</summary>
internal sealed record Measurement(int Round, int Connections, Target Target, WrkResult Wrk, double ServerCpuSeconds, double UpstreamCpuSeconds, long? LogEvents)
{
    /// <summary>CPU of the measured server (the proxy; for direct runs the upstream) per request, in µs.</summary>
    public double ServerCpuMicrosecondsPerRequest => Wrk.Requests == 0 ? 0 : ServerCpuSeconds * 1e6 / Wrk.Requests;
}
