using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace ByokGateway.Bench;

/// <summary>
/// The sidecar's GC pauses, from the runtime's own GC events over EventPipe (the diagnostics port
/// every .NET process has; nothing is added to the product): a pause runs from
/// <c>GCSuspendEEStart</c> to <c>GCRestartEEStop</c>, the time the managed threads were stopped.
/// The allocation ticks of the same events give the allocated bytes by type.
/// </summary>
internal sealed class GcPauses : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Thread _reader;
    private readonly List<Pause> _pauses = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _allocations = [];
    private readonly List<(DateTime At, string Type, long Bytes)> _ticks = [];
    private DateTime? _suspended;
    private double _suspendMs;
    private double _promotedMb;
    private double _gen0Mb;
    private double _gen1Mb;
    private double _gen2Mb;
    private int _generation = -1;
    private string _reason = "";
    private double _budgetMb;
    private DateTime? _phaseAt;
    private readonly List<(string Phase, double Ms)> _phases = [];
    private long _pinnedObjects;
    private long _gcHandles;
    private readonly Dictionary<string, int> _pinnedTypes = [];

    /// <summary>
    /// One pause: its start, its length, the collected generation, how much of it went to suspending
    /// the managed threads, and what the collection kept (promoted bytes, generation sizes after it).
    /// <para>
    /// <paramref name="Phases"/> splits the collection itself: the time spent marking from each kind
    /// of root, in the order the GC reports them (<c>GCMarkWithType</c>: stacks, finalization queue,
    /// handles, older generations through the card table, ...), then everything after marking
    /// (plan, relocate, compact or sweep) up to <c>GCEnd</c>.
    /// </para>
    /// </summary>
    public sealed record Pause(DateTime Start, double Ms, int Generation, double SuspendMs, double PromotedMb, double Gen0Mb, double Gen1Mb, double Gen2Mb, string Reason = "", double Gen0BudgetMb = 0, IReadOnlyList<(string Phase, double Ms)>? Phases = null, long PinnedObjects = 0, long GcHandles = 0, string PinnedTypes = "");

    private GcPauses(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += data =>
        {
            _generation = data.Depth;
            _reason = data.Reason.ToString();
            _phaseAt = data.TimeStamp;
            _phases.Clear();
            _pinnedTypes.Clear();
        };
        source.Clr.GCPinObjectAtGCTime += data =>
        {
            var type = data.TypeName ?? "?";
            _pinnedTypes[type] = _pinnedTypes.GetValueOrDefault(type) + 1;
        };
        source.Clr.GCMarkWithType += data =>
        {
            if (_phaseAt is { } at)
            {
                _phases.Add(($"{MarkPhase(data.Type)} ({data.Promoted / 1024.0:0} KB marked)", (data.TimeStamp - at).TotalMilliseconds));
                _phaseAt = data.TimeStamp;
            }
        };
        source.Clr.GCStop += data =>
        {
            if (_phaseAt is { } at)
            {
                _phases.Add(("after marking", (data.TimeStamp - at).TotalMilliseconds));
                _phaseAt = null;
            }
        };
        source.Clr.GCGlobalHeapHistory += data => _budgetMb = data.FinalYoungestDesired / 1048576.0;
        source.Clr.GCAllocationTick += data =>
        {
            lock (_lock)
            {
                _allocations[data.TypeName ?? "?"] = _allocations.GetValueOrDefault(data.TypeName ?? "?") + data.AllocationAmount64;
                _ticks.Add((data.TimeStamp, data.TypeName ?? "?", data.AllocationAmount64));
            }
        };
        source.Clr.GCSuspendEEStart += data => _suspended = data.TimeStamp;
        source.Clr.GCSuspendEEStop += data => _suspendMs = _suspended is { } at ? (data.TimeStamp - at).TotalMilliseconds : 0;
        source.Clr.GCHeapStats += data =>
        {
            _promotedMb = (data.TotalPromotedSize0 + data.TotalPromotedSize1 + data.TotalPromotedSize2) / 1048576.0;
            _gen0Mb = data.GenerationSize0 / 1048576.0;
            _gen1Mb = data.GenerationSize1 / 1048576.0;
            _gen2Mb = data.GenerationSize2 / 1048576.0;
            _pinnedObjects = data.PinnedObjectCount;
            _gcHandles = data.GCHandleCount;
        };
        source.Clr.GCRestartEEStop += data =>
        {
            if (_suspended is { } start)
            {
                lock (_lock)
                {
                    _pauses.Add(new Pause(start, (data.TimeStamp - start).TotalMilliseconds, _generation, _suspendMs, _promotedMb, _gen0Mb, _gen1Mb, _gen2Mb, _reason, _budgetMb, [.. _phases], _pinnedObjects, _gcHandles, string.Join(", ", _pinnedTypes.OrderByDescending(t => t.Value).Take(5).Select(t => $"{t.Key} x{t.Value}"))));
                }

                _suspended = null;
                _generation = -1;
                _suspendMs = _promotedMb = 0;
            }
        };
        _reader = new Thread(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
            {
                // the session was stopped
            }
        }) { IsBackground = true, Name = "gc-events" };
        _reader.Start();
    }

    // The root kinds of GCMarkWithType (the runtime's gc_root_kind).
    private static string MarkPhase(int type) => type switch
    {
        0 => "stacks",
        1 => "finalization queue",
        2 => "handles",
        3 => "older generations (cards)",
        4 => "sized refs",
        5 => "mark stack overflow",
        6 => "dependent handles",
        7 => "new finalization queue",
        8 => "steal",
        9 => "background",
        _ => $"root kind {type}",
    };

    public static GcPauses Start(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHandle))],
            requestRundown: false,
            circularBufferMB: 16);
        return new GcPauses(session);
    }

    /// <summary>The pauses that began between <paramref name="from"/> and <paramref name="to"/> (local time, as TraceEvent's time stamps).</summary>
    public IReadOnlyList<Pause> Between(DateTime from, DateTime to)
    {
        lock (_lock)
        {
            return [.. _pauses.Where(p => p.Start >= from && p.Start < to)];
        }
    }

    /// <summary>
    /// Bytes allocated since the last call, by type, from the runtime's allocation ticks (one event per
    /// ~100 KB allocated, naming the type that crossed the mark): a sampled profile, and the total.
    /// </summary>
    public IReadOnlyList<(string Type, long Bytes)> TakeAllocations()
    {
        lock (_lock)
        {
            var list = _allocations.OrderByDescending(a => a.Value).Select(a => (a.Key, a.Value)).ToList();
            _allocations.Clear();
            return list;
        }
    }

    /// <summary>
    /// The sampled bytes allocated between <paramref name="from"/> and <paramref name="to"/>, by type
    /// (the window alone: what streaming costs per chunk, without the ramp's connection set-up).
    /// </summary>
    public IReadOnlyList<(string Type, long Bytes)> AllocationsBetween(DateTime from, DateTime to)
    {
        lock (_lock)
        {
            var list = _ticks.Where(t => t.At >= from && t.At < to)
                .GroupBy(t => t.Type)
                .Select(g => (g.Key, g.Sum(t => t.Bytes)))
                .OrderByDescending(a => a.Item2)
                .ToList();
            _ticks.RemoveAll(t => t.At < to);
            return list;
        }
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
            // the sidecar is gone
        }

        _reader.Join(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }
}
