using System.Globalization;

namespace FakeProvider.Chat;

/// <summary>Behaviour chosen by the model name, so tests drive the fake through ordinary SDK calls.</summary>
internal readonly record struct ModelSwitch(ModelSwitchKind Kind, int Status = 0)
{
    public const string StatusPrefix = "fake-status-";
    public const string Gated = "fake-gated";
    public const string Hang = "fake-hang";
    public const string Slow = "fake-slow";

    public static ModelSwitch Parse(string model)
    {
        if (model.StartsWith(StatusPrefix, StringComparison.Ordinal)
            && int.TryParse(model.AsSpan(StatusPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            && status is >= 400 and <= 599)
        {
            return new ModelSwitch(ModelSwitchKind.Status, status);
        }

        return model switch
        {
            Gated => new ModelSwitch(ModelSwitchKind.Gated),
            Hang => new ModelSwitch(ModelSwitchKind.Hang),
            Slow => new ModelSwitch(ModelSwitchKind.Slow),
            _ => new ModelSwitch(ModelSwitchKind.Normal),
        };
    }
}
