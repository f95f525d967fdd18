using System.Text;
using ByokGateway.Usage;

namespace ByokGateway.Tests.Usage;

/// <summary>Provider answers as their documentation shows them, read the way the tap keeps them (head and tail).</summary>
public sealed class UsageParserTests
{
    [Fact]
    public void Parse_ResponsesApiStream_ReadsUsageOfCompletedEvent()
    {
        var sse =
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-4.1\",\"usage\":null}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-4.1\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + new string('x', 40_000) + "\"}]}],"
            + "\"usage\":{\"input_tokens\":36,\"input_tokens_details\":{\"cached_tokens\":8},\"output_tokens\":87,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":123},\"user\":null,\"metadata\":{}}}\n\n";

        var usage = Parse(sse, eventStream: true);

        Assert.Equal(new ParsedUsage("gpt-4.1", 36, 87, 8), usage);
    }

    [Fact]
    public void Parse_GeminiNativeJson_ReadsPrettyPrintedUsageMetadata()
    {
        var json = """
            {
              "candidates": [ { "content": { "parts": [ { "text": "Hello" } ], "role": "model" }, "finishReason": "STOP", "index": 0 } ],
              "usageMetadata": {
                "promptTokenCount": 12,
                "candidatesTokenCount": 30,
                "totalTokenCount": 52,
                "cachedContentTokenCount": 4,
                "promptTokensDetails": [ { "modality": "TEXT", "tokenCount": 12 } ],
                "thoughtsTokenCount": 10
              },
              "modelVersion": "gemini-2.5-flash",
              "responseId": "abc"
            }
            """;

        var usage = Parse(json, eventStream: false);

        Assert.Equal(new ParsedUsage("gemini-2.5-flash", 12, 40, 4), usage);
    }

    [Fact]
    public void Parse_GeminiStream_TakesTheLastChunksTotals()
    {
        var sse =
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"He\"}],\"role\":\"model\"}}],\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5},\"modelVersion\":\"gemini-2.0-flash\"}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"llo\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":2,\"totalTokenCount\":7},\"modelVersion\":\"gemini-2.0-flash\"}\r\n\r\n";

        Assert.Equal(new ParsedUsage("gemini-2.0-flash", 5, 2, null), Parse(sse, eventStream: true));
    }

    [Fact]
    public void Parse_AnthropicStreamLongerThanTail_TakesInputFromHeadAndOutputFromTail()
    {
        var sse = new StringBuilder()
            .Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":7,\"output_tokens\":1}}}\n\n");
        for (var i = 0; i < 500; i++)
        {
            sse.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word \"}}\n\n");
        }

        sse.Append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":500}}\n\n")
            .Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

        Assert.Equal(new ParsedUsage("claude-sonnet-4-5", 25, 500, 7), Parse(sse.ToString(), eventStream: true));
    }

    [Theory]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2.5}}")]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1000000001}}")]
    [InlineData("{\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":2}}")]
    [InlineData("{\"usage\":{\"prompt_tokens\":\"5\",\"completion_tokens\":2}}")]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2")]
    [InlineData("{\"usage\":{\"completion_tokens\":2}}")]
    [InlineData("{\"usage\":[5,2]}")]
    [InlineData("{\"usage\":null}")]
    [InlineData("{\"choices\":[{\"message\":{\"content\":\"\\\"usage\\\":{\\\"prompt_tokens\\\":5}\"}}]}")]
    [InlineData("")]
    public void Parse_UnbelievableUsage_IsUnknown(string json)
    {
        var usage = Parse(json, eventStream: false);

        Assert.False(usage.Known);
        Assert.Equal((null, null, null), (usage.InputTokens, usage.OutputTokens, usage.CachedTokens));
    }

    [Fact]
    public void Parse_AnthropicStreamWithoutMessageDelta_IsUnknown()
    {
        var sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude\",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";

        Assert.False(Parse(sse, eventStream: true).Known);
    }

    // As the tap keeps it: the first HeadSize and the last TailSize bytes.
    private static ParsedUsage Parse(string body, bool eventStream)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, UsageTap.HeadSize));
        var tail = bytes.AsSpan(Math.Max(0, bytes.Length - UsageTap.TailSize));
        return UsageParser.Parse(head, tail, eventStream);
    }
}
