using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ByokGateway.Usage;

/// <summary>
/// Token counters for Prometheus, as a usage sink: by provider, model, key source and tier, never
/// by user (one series per user would grow without bound and put identities in the metrics).
/// </summary>
public sealed class UsageMetrics(IMetricFactory metrics, IOptions<UsageOptions> options) : IUsageSink
{
    public const string OtherModel = "other";
    public const string UnknownModel = "unknown";

    private static readonly string[] Labels = ["provider", "model", "key_source", "tier"];

    private readonly Counter _input = metrics.CreateCounter(
        "byok_usage_input_tokens_total",
        "Input (prompt) tokens of proxied calls as the providers reported them, by provider, model, key source and tier.",
        new CounterConfiguration { LabelNames = Labels });

    private readonly Counter _output = metrics.CreateCounter(
        "byok_usage_output_tokens_total",
        "Output (completion) tokens of proxied calls as the providers reported them, by provider, model, key source and tier.",
        new CounterConfiguration { LabelNames = Labels });

    private readonly Counter _cached = metrics.CreateCounter(
        "byok_usage_cached_tokens_total",
        "Input tokens the providers served from their prompt cache, by provider, model, key source and tier.",
        new CounterConfiguration { LabelNames = Labels });

    private readonly Counter _unknown = metrics.CreateCounter(
        "byok_usage_unknown_total",
        "Successful (2xx) proxied calls whose usage could not be read (none reported, malformed, cut off), by provider and key source.",
        new CounterConfiguration { LabelNames = ["provider", "key_source"] });

    private readonly ConcurrentDictionary<string, string> _models = new(StringComparer.Ordinal);
    private readonly int _maxModels = options.Value.MaxModelLabels;

    public void Record(UsageRecord record)
    {
        if (record.InputTokens is not { } input)
        {
            if (record.Status is >= 200 and < 300)
            {
                _unknown.WithLabels(record.Provider, record.KeySource).Inc();
            }

            return;
        }

        var model = ModelLabel(record.Model);
        _input.WithLabels(record.Provider, model, record.KeySource, record.Tier).Inc(input);
        _output.WithLabels(record.Provider, model, record.KeySource, record.Tier).Inc(record.OutputTokens ?? 0);
        if (record.CachedTokens is { } cached)
        {
            _cached.WithLabels(record.Provider, model, record.KeySource, record.Tier).Inc(cached);
        }
    }

    // The first MaxModelLabels distinct names keep their own label (a race may admit a few more).
    private string ModelLabel(string? model)
    {
        if (model is null)
        {
            return UnknownModel;
        }

        if (_models.TryGetValue(model, out var label))
        {
            return label;
        }

        return _models.Count < _maxModels ? _models.GetOrAdd(model, model) : OtherModel;
    }
}
