using System.Text.Json;

namespace FakeProvider.Chat;

/// <summary>Writes server-sent events and flushes each one, so every event leaves as its own chunk.</summary>
internal sealed class SseWriter(HttpResponse response)
{
    public async Task WriteAsync(string? eventName, string data, CancellationToken cancellationToken)
    {
        var text = eventName is null ? $"data: {data}\n\n" : $"event: {eventName}\ndata: {data}\n\n";
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Drops the connection (a provider that dies mid-stream).</summary>
    public void Abort() => response.HttpContext.Abort();

    public Task WriteJsonAsync(string? eventName, object payload, CancellationToken cancellationToken) =>
        WriteAsync(eventName, JsonSerializer.Serialize(payload), cancellationToken);
}
