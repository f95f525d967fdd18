namespace FakeProvider.Chat;

/// <summary>What is wrong with a reply's usage, chosen by the <c>x-fake-usage</c> request header (tests of usage metering).</summary>
internal enum UsageFault
{
    /// <summary>Usage as the provider reports it.</summary>
    None,

    /// <summary>Counts that are not numbers (<c>"prompt_tokens":"many"</c>).</summary>
    Malformed,

    /// <summary>A negative input count.</summary>
    Negative,

    /// <summary>An input count of 10^12, more than any call uses.</summary>
    Absurd,

    /// <summary>No usage at all (<c>usage</c> omitted; no usage chunk or <c>message_delta</c> usage).</summary>
    Missing,

    /// <summary>Some input served from the prompt cache: OpenAI's <c>prompt_tokens_details.cached_tokens</c>, Anthropic's <c>cache_read_input_tokens</c>.</summary>
    Cached,

    /// <summary>The connection is dropped before the usage: after the content chunks of a stream, halfway through a JSON body.</summary>
    CutOff,
}
