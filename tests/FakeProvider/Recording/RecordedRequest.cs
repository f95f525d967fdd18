namespace FakeProvider.Recording;

/// <summary>
/// One provider request as <c>GET /_fake/requests</c> shows it. Header names are lower case.
/// <see cref="Status"/> is 0 until the response starts (and stays 0 if none was sent);
/// <see cref="Aborted"/> means the client went away before the response completed.
/// </summary>
internal sealed record RecordedRequest(
    long Id,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string[]> Headers,
    string? Body,
    string? Key,
    string? KeyHeader,
    bool Aborted,
    bool Completed,
    int Status);
