namespace ByokGateway.Proxy;

/// <summary>
/// Content that stands in for another on its way through HttpClient: it carries the original's
/// headers (<c>Content-Length</c> included, so no length is computed here) and disposes the
/// original with itself. Subclasses say how the body is read or written.
/// </summary>
internal abstract class StandInContent : HttpContent
{
    protected StandInContent(HttpContent original)
    {
        Original = original;
        foreach (var header in original.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    /// <summary>The content this stands in for.</summary>
    protected HttpContent Original { get; }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Original.Dispose();
        }

        base.Dispose(disposing);
    }
}
