using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Usage;

/// <summary>Usage metering (section <c>Usage</c>).</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>
    /// Whether the gateway asks an OpenAI-dialect provider for a stream's usage
    /// (<c>stream_options.include_usage</c>) on calls whose tokens matter (system key, a token limit)
    /// when the client did not, and keeps the extra chunk from the client. Off: such streams are
    /// recorded with unknown tokens.
    /// </summary>
    public bool RequestStreamUsage { get; set; } = true;

    /// <summary>
    /// How many distinct model names the token metrics label; later ones count as <c>other</c>.
    /// Model names come from responses (a custom endpoint names whatever it likes), so without a
    /// cap one endpoint could grow the metrics without bound.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxModelLabels { get; set; } = 200;
}
