using System.Text;

namespace FakeProvider.Tests.Support;

/// <summary>Reads server-sent events one at a time, as a client sees them arrive.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? name = null;
        var data = new StringBuilder();
        var seen = false;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (seen)
                {
                    return new SseEvent(name, data.ToString());
                }

                continue;
            }

            seen = true;
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line["data:".Length..].TrimStart());
            }
        }

        return seen ? new SseEvent(name, data.ToString()) : null;
    }

    public async Task<List<SseEvent>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var events = new List<SseEvent>();
        while (await ReadAsync(cancellationToken) is { } sse)
        {
            events.Add(sse);
        }

        return events;
    }

    public void Dispose() => _reader.Dispose();
}
