namespace ByokGateway.Unified;

/// <summary>
/// What reading a body for its top-level <c>model</c> found. For <see cref="ModelScanOutcome.Found"/>,
/// the value's JSON string token (quotes included) spans <see cref="TokenStart"/> to <see cref="TokenEnd"/>.
/// </summary>
internal readonly record struct ModelScan(ModelScanOutcome Outcome, string? Model = null, long TokenStart = 0, long TokenEnd = 0);

internal enum ModelScanOutcome
{
    Found,

    /// <summary>Not JSON (or not JSON up to where <c>model</c> was looked for), including an empty body.</summary>
    NotJson,

    /// <summary>JSON, but not an object.</summary>
    NotObject,

    /// <summary>The object has no top-level <c>model</c>.</summary>
    Missing,

    /// <summary>The top-level <c>model</c> is not a string.</summary>
    NotString,

    /// <summary>The top-level <c>model</c> is a string longer than any model name.</summary>
    TooLong,

    /// <summary>No top-level <c>model</c> within the bytes the gateway may read.</summary>
    TooFar,
}
