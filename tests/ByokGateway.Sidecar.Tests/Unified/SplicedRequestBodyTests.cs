using System.Text;
using ByokGateway.Unified;

namespace ByokGateway.Tests.Unified;

/// <summary>The forwarded body: the read prefix with one range replaced, then the rest of the client's stream.</summary>
public sealed class SplicedRequestBodyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65536)]
    public async Task Read_CutInTheMiddleOfThePrefix_YieldsPrefixReplacementAndRestInOrder(int readSize)
    {
        var text = "{\"model\":\"groq/llama\",\"messages\":[]," + new string('x', 40_000) + "}";
        var bytes = Encoding.UTF8.GetBytes(text);
        var prefix = await PrefixOfAsync(bytes, 20_000);
        var cut = text.IndexOf("groq/", StringComparison.Ordinal);
        await using var body = new SplicedRequestBody(prefix, cut, cut + 5, Encoding.UTF8.GetBytes("NEW:"), new MemoryStream(bytes, (int)prefix.Length, bytes.Length - (int)prefix.Length));

        var forwarded = await ReadAllAsync(body, readSize);

        Assert.Equal(text.Replace("groq/", "NEW:", StringComparison.Ordinal), Encoding.UTF8.GetString(forwarded));
        Assert.Equal(-1, body.LengthChange);
    }

    [Fact]
    public async Task Read_EmptyCutAtTheStart_IsTheClientsBodyUnchanged()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o\"}");
        var prefix = await PrefixOfAsync(bytes, bytes.Length);
        await using var body = new SplicedRequestBody(prefix, 9, 9, ReadOnlyMemory<byte>.Empty, Stream.Null);

        Assert.Equal(bytes, await ReadAllAsync(body, 3));
        Assert.Equal(0, body.LengthChange);
    }

    [Fact]
    public async Task Dispose_ReturnsThePrefixAndLaterReadsFail()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"a/b\"}");
        var prefix = await PrefixOfAsync(bytes, bytes.Length);
        var body = new SplicedRequestBody(prefix, 10, 12, ReadOnlyMemory<byte>.Empty, Stream.Null);

        await body.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => _ = await body.ReadAsync(new byte[4], TestContext.Current.CancellationToken));
    }

    private static async Task<BodyPrefix> PrefixOfAsync(byte[] bytes, int length)
    {
        var prefix = new BodyPrefix();
        var source = new MemoryStream(bytes, 0, length);
        while (await prefix.ReadAsync(source, TestContext.Current.CancellationToken))
        {
        }

        return prefix;
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, int readSize)
    {
        var all = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }
}
