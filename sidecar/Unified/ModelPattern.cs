namespace ByokGateway.Unified;

/// <summary>A rule's pattern: literal text with <c>*</c> matching any run of characters, compared ordinally.</summary>
internal sealed class ModelPattern(string pattern)
{
    private readonly string[] _parts = pattern.Split('*');

    public bool Matches(string model)
    {
        if (_parts.Length == 1)
        {
            return string.Equals(model, pattern, StringComparison.Ordinal);
        }

        var first = _parts[0];
        var last = _parts[^1];
        if (model.Length < first.Length + last.Length
            || !model.StartsWith(first, StringComparison.Ordinal)
            || !model.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        // Middle parts in order, each after the previous one, none overlapping the last part.
        var position = first.Length;
        var end = model.Length - last.Length;
        for (var i = 1; i < _parts.Length - 1; i++)
        {
            var index = model.IndexOf(_parts[i], position, end - position, StringComparison.Ordinal);
            if (index < 0)
            {
                return false;
            }

            position = index + _parts[i].Length;
        }

        return true;
    }
}
