using FakeProvider.Chat;

namespace FakeProvider.Models;

/// <summary>The models every list answers: a plain one plus the behaviour switches, so they are discoverable.</summary>
internal static class ModelCatalog
{
    public const string DefaultModel = "fake-model";

    // Unix time of ModelCreatedAt in the Anthropic shapes; fixed so lists are deterministic.
    public const long Created = 1_735_689_600;

    public static readonly IReadOnlyList<string> Ids =
    [
        DefaultModel,
        ModelSwitch.Gated,
        ModelSwitch.Slow,
        ModelSwitch.Hang,
        ModelSwitch.StatusPrefix + "429",
        ModelSwitch.StatusPrefix + "500",
    ];

    /// <summary>The list a mount answers: its own model (<c>groq-model</c>), then the shared ones.</summary>
    public static IReadOnlyList<string> IdsFor(string mount) => [mount + "-model", .. Ids];
}
