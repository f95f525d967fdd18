using System.Globalization;
using System.Text;
using ByokGateway.Observability;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace ByokGateway.Tests.Observability;

/// <summary>The buffered console: every event reaches the output, in order, at the latest after the flush interval.</summary>
public sealed class BufferedConsoleSinkTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryStream _output = new();

    [Fact]
    public void Emit_InformationEvents_AreWrittenInOrderWhenTheIntervalHasPassed()
    {
        using var sink = Sink();

        sink.Emit(Event("first"));
        sink.Emit(Event("second"));
        sink.Emit(Event("third"));
        Assert.Empty(Lines());

        _time.Advance(Interval);

        Assert.Equal(["first", "second", "third"], Lines());
    }

    [Fact]
    public void Emit_Warning_IsWrittenAtOnceWithTheEventsBeforeIt()
    {
        using var sink = Sink();

        sink.Emit(Event("before"));
        sink.Emit(Event("careful", LogEventLevel.Warning));

        Assert.Equal(["before", "careful"], Lines());
    }

    [Fact]
    public void Dispose_WritesWhatIsStillBuffered()
    {
        var sink = Sink();
        sink.Emit(Event("last words"));

        sink.Dispose();

        Assert.Equal(["last words"], Lines());
    }

    [Fact]
    public void Emit_MoreThanTheBufferHolds_WritesAsTheBufferFillsAndLosesNothing()
    {
        var sink = Sink();
        for (var i = 0; i < 3000; i++)
        {
            sink.Emit(Event($"event {i:D4} " + new string('é', 40)));
        }

        Assert.NotEmpty(Lines());
        sink.Dispose();

        var lines = Lines();
        Assert.Equal(3000, lines.Length);
        Assert.Equal("event 2999 " + new string('é', 40), lines[^1]);
    }

    public void Dispose() => _output.Dispose();

    private BufferedConsoleSink Sink() =>
        new(new MessageTemplateTextFormatter("{Message}{NewLine}", CultureInfo.InvariantCulture), _output, _time, Interval);

    private string[] Lines() =>
        Encoding.UTF8.GetString(_output.ToArray()).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static LogEvent Event(string text, LogEventLevel level = LogEventLevel.Information) =>
        new(DateTimeOffset.UtcNow, level, null, new MessageTemplateParser().Parse(text), []);
}
