using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>Everything the sidecar logged, rendered with all properties and exceptions.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The whole log as one text: messages, every property value, exception text.</summary>
    public string AllText() => string.Join('\n', _events.Select(e =>
        $"{e.Level} {e.RenderMessage()} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}"));

    /// <summary>
    /// Fails when any event carries <paramref name="secret"/>, naming the events' sources but
    /// never printing the secret itself into the test output.
    /// </summary>
    public void AssertAbsent(string secret, string what)
    {
        var sources = _events
            .Where(e => $"{e.RenderMessage()} {string.Join(' ', e.Properties.Select(p => p.Value))} {e.Exception}".Contains(secret, StringComparison.Ordinal))
            .Select(e => $"{e.Properties.GetValueOrDefault("SourceContext")} \"{e.MessageTemplate.Text}\"")
            .Distinct()
            .ToList();
        Assert.True(sources.Count == 0, $"The log contains {what}, in: {string.Join("; ", sources)}");
    }

    public IEnumerable<LogEvent> WithEventId(int id) =>
        _events.Where(e => e.Properties.TryGetValue("EventId", out var value)
            && value is StructureValue s && s.Properties.Any(p => p.Name == "Id" && p.Value.ToString() == id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
