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
    /// One engine thread per two cores. With inline completions .NET starts one per core, sized
    /// for engines that only dispatch; here each engine thread also runs the provider-response
    /// half of every call, and on 2 cores a second one only added wake-ups: one engine measured
    /// ~0.03 ms less added latency at 8 connections and ~8 % more throughput at 64.
    /// </para>
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Defaults(int processorCount) =>
    [
        (InlineCompletions, "1"),
        (SocketEngineThreads, Math.Max(1, processorCount / 2).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
