namespace ByokGateway.Hosting;

/// <summary>Runtime settings the gateway's hot path was measured with (bench/README.md).</summary>
public static class RuntimeTuning
{
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string SocketEngineThreads = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>
    /// Applies <see cref="Defaults"/> to this process's environment. Must run before the first
    /// socket is created; an operator's own setting of either variable wins.
    /// </summary>
    public static void Apply()
    {
        foreach (var (name, value) in Defaults(Environment.ProcessorCount))
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    /// <summary>
    /// <para>
    /// Socket completions run on the socket engine (epoll) threads instead of being handed to the
    /// thread pool. A proxied call completes four socket operations (client in and out, provider
    /// out and in); skipping a thread-pool hand-off for each measured about 15 % less CPU per call
    /// on 2 cores. It is safe here because nothing on the request path blocks (Keycloak, cache and
    /// provider calls are asynchronous; logging formats into a buffer).
    /// </para>
    /// <para>
    /// One engine thread per core. With Kestrel's inline scheduling (HostingExtensions) each engine
    /// thread also runs the request pipeline and the response output of its sockets; with one engine
    /// for two cores, 5,000 open streams saturated it (lateness p50 12 ms against 3 ms, bench/README.md,
    /// streams, 2 Dec 15:00). Without inline scheduling one engine per two cores had measured
    /// ~0.03 ms less added latency for small calls.
    /// </para>
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Defaults(int processorCount) =>
    [
        (InlineCompletions, "1"),
        (SocketEngineThreads, Math.Max(1, processorCount).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
