using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Unified;

/// <summary>The unified OpenAI-compatible endpoint <c>/v1</c> (section <c>Unified</c>).</summary>
public sealed class UnifiedOptions
{
    public const string SectionName = "Unified";

    /// <summary>
    /// Where model names without a <c>&lt;provider&gt;/</c> prefix go, first match wins:
    /// <c>Unified__Rules__0__Pattern=gpt-*</c>, <c>Unified__Rules__0__Provider=openai</c>. None by
    /// default: such a name is refused with a message that says to write <c>&lt;provider&gt;/&lt;model&gt;</c>.
    /// </summary>
    public List<UnifiedRule> Rules { get; set; } = [];

    /// <summary>How long a user's merged <c>GET /v1/models</c> answer is reused; 0 turns the cache off.</summary>
    [Range(0, 86_400)]
    public int ModelsCacheSeconds { get; set; } = 60;

    /// <summary>How long <c>GET /v1/models</c> waits for each provider's list before leaving it out.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ModelsTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How far into a request body the gateway reads to find the top-level <c>model</c>; what it
    /// read is held in memory (once) until it is forwarded. A body whose <c>model</c> comes later
    /// is refused with 413.
    /// </summary>
    [Range(4_096, int.MaxValue)]
    public int MaxModelSearchBytes { get; set; } = 32 * 1024 * 1024;
}
