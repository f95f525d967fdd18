namespace FakeProvider.Recording;

/// <summary>Every provider request received, oldest first, for tests to inspect.</summary>
internal sealed class RequestLog
{
    // Bounds memory when the fake runs for a whole `make dev` session.
    private const int Capacity = 10_000;

    private readonly Lock _lock = new();
    private readonly List<RecordedRequest> _requests = [];
    private long _lastId;

    public long Add(Func<long, RecordedRequest> create)
    {
        lock (_lock)
        {
            var request = create(++_lastId);
            if (_requests.Count == Capacity)
            {
                _requests.RemoveAt(0);
            }

            _requests.Add(request);
            return request.Id;
        }
    }

    /// <summary>Replaces the request with that id, if it is still recorded (the log may have been cleared).</summary>
    public void Update(long id, Func<RecordedRequest, RecordedRequest> change)
    {
        lock (_lock)
        {
            var index = _requests.FindLastIndex(r => r.Id == id);
            if (index >= 0)
            {
                _requests[index] = change(_requests[index]);
            }
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }
}
