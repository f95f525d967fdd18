using System.Text.Json.Nodes;

namespace FakeProvider.Lago;

/// <summary>The events the Lago stand-in stored, by <c>transaction_id</c>, and how many repeats it refused.</summary>
internal sealed class LagoEventStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _byTransactionId = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _inOrder = [];
    private int _repeats;

    /// <summary>
    /// Stores every event, or none when any <c>transaction_id</c> is already stored (or repeated
    /// within the batch): then the indexes of the repeats, each counted as one repeat received.
    /// </summary>
    public IReadOnlyList<int> TryStore(IReadOnlyList<JsonObject> events)
    {
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var repeats = new List<int>();
            for (var i = 0; i < events.Count; i++)
            {
                var id = events[i]["transaction_id"]!.GetValue<string>();
                if (_byTransactionId.ContainsKey(id) || !seen.Add(id))
                {
                    repeats.Add(i);
                }
            }

            if (repeats.Count > 0)
            {
                _repeats += repeats.Count;
                return repeats;
            }

            foreach (var e in events)
            {
                var copy = (JsonObject)e.DeepClone();
                _byTransactionId[copy["transaction_id"]!.GetValue<string>()] = copy;
                _inOrder.Add(copy);
            }

            return [];
        }
    }

    public LagoEventsListing Snapshot()
    {
        lock (_gate)
        {
            return new LagoEventsListing(_inOrder.Count, _repeats, [.. _inOrder.Select(e => (JsonObject)e.DeepClone())]);
        }
    }
}
