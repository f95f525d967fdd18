namespace ByokGateway.Keys;

/// <summary>
/// Masks for listing keys: at most the first 4 and last 4 characters, and never more than a
/// third of the key (the Python service showed 8 of 10 characters of short keys).
/// </summary>
public static class KeyMask
{
    public const string Hidden = "****";

    public static string Mask(string key)
    {
        // Each side shows at most a sixth of the key, so both together never exceed a third.
        var shown = Math.Min(4, key.Length / 6);
        return shown == 0 ? Hidden : string.Concat(key.AsSpan(0, shown), Hidden, key.AsSpan(key.Length - shown));
    }
}
