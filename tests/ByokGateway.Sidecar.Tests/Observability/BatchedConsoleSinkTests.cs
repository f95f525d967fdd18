using System.Globalization;
using System.Text;
using ByokGateway.Observability;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace ByokGateway.Tests.Observability;

/// <summary>The console sink behind Serilog's batching: every event of a batch reaches the output, in order.</summary>
public sealed class BatchedConsoleSinkTests
{
    [Fact]
    public async Task EmitBatchAsync_Batch_WritesEveryEventInOrder()
    {
        using var output = new MemoryStream();
        using var sink = new BatchedConsoleSink(new MessageTemplateTextFormatter("{Message}{NewLine}", CultureInfo.InvariantCulture), output);

        await sink.EmitBatchAsync([Event("first"), Event("second"), Event("third")]);

        Assert.Equal(["first", "second", "third"], Lines(output));
    }

    [Fact]
    public async Task EmitBatchAsync_BatchLargerThanTheBuffer_WritesAllOfIt()
    {
        using var output = new MemoryStream();
        using var sink = new BatchedConsoleSink(new MessageTemplateTextFormatter("{Message}{NewLine}", CultureInfo.InvariantCulture), output);
        var events = Enumerable.Range(0, 3000).Select(i => Event($"event {i:D4} " + new string('é', 40))).ToList();

        await sink.EmitBatchAsync(events);
        await sink.EmitBatchAsync([Event("after")]);

        var lines = Lines(output);
        Assert.Equal(3001, lines.Length);
        Assert.Equal("event 2999 " + new string('é', 40), lines[2999]);
        Assert.Equal("after", lines[^1]);
    }

    private static string[] Lines(MemoryStream output) =>
        Encoding.UTF8.GetString(output.ToArray()).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text.Replace("{", "{{", StringComparison.Ordinal)), []);
}
