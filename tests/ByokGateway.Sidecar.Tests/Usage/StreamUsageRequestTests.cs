using System.Text;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Usage;

public sealed class StreamUsageRequestTests
{
    private const string Option = ",\"stream_options\":{\"include_usage\":true}";

    [Theory]
    [InlineData("{\"model\":\"m\",\"stream\":true,\"messages\":[]}", "{\"model\":\"m\",\"stream\":true,\"messages\":[]" + Option + "}")]
    [InlineData("{\"messages\":[{\"content\":\"}\\\"stream\\\":true\"}],\"stream\" : true }\n", "{\"messages\":[{\"content\":\"}\\\"stream\\\":true\"}],\"stream\" : true " + Option + "}\n")]
    public void Read_StreamWithoutOptions_AddsIncludeUsage(string body, string expected)
    {
        foreach (var chunk in new[] { 1, 3, 7, 4096 })
        {
            var (forwarded, injected) = Forward(body, chunk);

            Assert.True(injected);
            Assert.Equal(expected, forwarded);
        }
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[]}")]
    [InlineData("{\"model\":\"m\",\"stream\":false,\"messages\":[]}")]
    [InlineData("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"stream\":true}]}")]
    [InlineData("{\"model\":\"m\",\"messages\":[\"\\\"stream\\\":true\"]}")]
    [InlineData("[{\"stream\":true}]")]
    [InlineData("{\"stream\":true} trailing")]
    [InlineData("not json")]
    [InlineData("")]
    public void Read_NoStreamOrOptionsGiven_PadsWithSpacesOnly(string body)
    {
        foreach (var chunk in new[] { 1, 5, 4096 })
        {
            var (forwarded, injected) = Forward(body, chunk);

            Assert.False(injected);
            Assert.Equal(body + new string(' ', StreamUsageRequest.Extra), forwarded);
        }
    }

    private static (string Body, bool Injected) Forward(string body, int chunk)
    {
        var request = new StreamUsageRequest(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk));
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        do
        {
            // Zero-byte reads in between, as YARP does them, must not end the body.
            Assert.Equal(0, request.ReadAsync(Memory<byte>.Empty).AsTask().Result);
            read = request.Read(buffer, 0, buffer.Length);
            output.Write(buffer, 0, read);
        }
        while (read > 0);

        return (Encoding.UTF8.GetString(output.ToArray()), request.Injected);
    }

    // A body that arrives a few bytes per read, as a slow client sends it.
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
