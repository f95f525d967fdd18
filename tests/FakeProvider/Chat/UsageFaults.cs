namespace FakeProvider.Chat;

/// <summary>Reads the <c>x-fake-usage</c> header and bends usage numbers accordingly.</summary>
internal static class UsageFaults
{
    public const string Header = "x-fake-usage";

    /// <summary>Input tokens the <see cref="UsageFault.Cached"/> switch reports as read from the cache.</summary>
    public const int CachedTokens = 2;

    public const long AbsurdTokens = 1_000_000_000_000;

    public static UsageFault Parse(HttpRequest request) => request.Headers[Header].ToString() switch
    {
        "malformed" => UsageFault.Malformed,
        "negative" => UsageFault.Negative,
        "absurd" => UsageFault.Absurd,
        "missing" => UsageFault.Missing,
        "cached" => UsageFault.Cached,
        "cutoff" => UsageFault.CutOff,
        _ => UsageFault.None,
    };

    /// <summary>The input count as the faulty provider writes it (a number, or a string for malformed).</summary>
    public static object InputTokens(UsageFault fault, int inputTokens) => fault switch
    {
        UsageFault.Malformed => "many",
        UsageFault.Negative => -inputTokens,
        UsageFault.Absurd => AbsurdTokens,
        _ => inputTokens,
    };
}
