using System.Text;
using ByokGateway.Unified;

namespace ByokGateway.Tests.Unified;

/// <summary>Finding the top-level <c>model</c>, fed the body in pieces as a network delivers it.</summary>
public sealed class ModelScannerTests
{
    [Theory]
    [InlineData("{\"model\":\"groq/x\"}", "groq/x")]
    [InlineData("  {\"a\":{\"model\":\"no\"},\"b\":[{\"model\":\"no\"}],\"model\":\"yes\"}", "yes")]
    [InlineData("{\"c\":\"\\\"model\\\":\\\"no\\\"\",\"model\":\"yes\"}", "yes")]
    [InlineData("{\"mod\\u0065l\":\"escaped-name\"}", "escaped-name")]
    [InlineData("{\"model\":\"a\\/b\\u00e9\"}", "a/bé")]
    [InlineData("{\"model\":\"first\",\"model\":\"second\"}", "first")]
    public async Task Scan_ObjectWithModel_FindsTheTopLevelValue(string json, string model)
    {
        foreach (var chunk in new[] { 1, 3, 1 << 20 })
        {
            using var prefix = new BodyPrefix();
            var scan = await ModelScanner.ScanAsync(prefix, new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), 1 << 20, TestContext.Current.CancellationToken);

            Assert.Equal(ModelScanOutcome.Found, scan.Outcome);
            Assert.Equal(model, scan.Model);
            var token = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(json)[(int)scan.TokenStart..(int)scan.TokenEnd]);
            Assert.StartsWith("\"", token, StringComparison.Ordinal);
            Assert.EndsWith("\"", token, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "NotJson")]
    [InlineData("nope", "NotJson")]
    [InlineData("{\"model\" \"x\"}", "NotJson")]
    [InlineData("{\"messages\":[", "NotJson")]
    [InlineData("[1]", "NotObject")]
    [InlineData("\"model\"", "NotObject")]
    [InlineData("{}", "Missing")]
    [InlineData("{\"x\":{\"model\":\"y\"}} trailing", "Missing")]
    [InlineData("{\"model\":1}", "NotString")]
    [InlineData("{\"model\":[\"a\"]}", "NotString")]
    [InlineData("{\"model\":true}", "NotString")]
    public async Task Scan_BodyWithoutUsableModel_SaysWhy(string json, string outcome)
    {
        using var prefix = new BodyPrefix();

        var scan = await ModelScanner.ScanAsync(prefix, new TrickleStream(Encoding.UTF8.GetBytes(json), 2), 1 << 20, TestContext.Current.CancellationToken);

        Assert.Equal(outcome, scan.Outcome.ToString());
    }

    [Fact]
    public async Task Scan_ModelLongerThanAnyName_IsTooLong()
    {
        using var prefix = new BodyPrefix();
        var json = "{\"model\":\"" + new string('m', ModelScanner.MaxModelBytes + 1) + "\"}";

        var scan = await ModelScanner.ScanAsync(prefix, new MemoryStream(Encoding.UTF8.GetBytes(json)), 1 << 20, TestContext.Current.CancellationToken);

        Assert.Equal(ModelScanOutcome.TooLong, scan.Outcome);
    }

    [Fact]
    public async Task Scan_ModelFirst_StopsReadingAtTheFirstSegment()
    {
        using var prefix = new BodyPrefix();
        var json = Encoding.UTF8.GetBytes("{\"model\":\"groq/x\",\"messages\":\"" + new string('x', 1 << 20) + "\"}");
        var body = new TrickleStream(json, 4096);

        var scan = await ModelScanner.ScanAsync(prefix, body, 32 << 20, TestContext.Current.CancellationToken);

        Assert.Equal(ModelScanOutcome.Found, scan.Outcome);
        Assert.Equal(4096, prefix.Length);
        Assert.Equal(4096, body.Position);
    }

    [Fact]
    public async Task Scan_ModelAfterALongString_HoldsTheWholeBodyReadOnce()
    {
        using var prefix = new BodyPrefix();
        var image = new string('A', 8 << 20);
        var json = Encoding.UTF8.GetBytes("{\"image\":\"" + image + "\",\"model\":\"groq/vision\"}");
        var body = new TrickleStream(json, 16 * 1024);

        var scan = await ModelScanner.ScanAsync(prefix, body, 32 << 20, TestContext.Current.CancellationToken);

        Assert.Equal(ModelScanOutcome.Found, scan.Outcome);
        Assert.Equal("groq/vision", scan.Model);
        Assert.Equal(json.Length, prefix.Length);
        // Every byte was read once into the prefix (one read per 16 KiB segment), nothing read twice.
        Assert.InRange(body.Reads, json.Length / BodyPrefix.SegmentSize, (json.Length / BodyPrefix.SegmentSize) + 2);
    }

    [Fact]
    public async Task Scan_NoModelWithinTheLimit_IsTooFarAndReadsNoFurther()
    {
        using var prefix = new BodyPrefix();
        var json = Encoding.UTF8.GetBytes("{\"messages\":\"" + new string('x', 200_000) + "\",\"model\":\"groq/x\"}");

        var scan = await ModelScanner.ScanAsync(prefix, new TrickleStream(json, 4096), 64 * 1024, TestContext.Current.CancellationToken);

        Assert.Equal(ModelScanOutcome.TooFar, scan.Outcome);
        Assert.InRange(prefix.Length, 64 * 1024, (64 * 1024) + 4096);
    }

    /// <summary>A body that arrives <c>chunk</c> bytes per read, counting reads.</summary>
    internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public int Reads { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
        }
    }
}
