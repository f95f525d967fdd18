namespace ByokGateway.Usage;

/// <summary>
/// Marks a call whose token count matters (a token limit applies to it): a forwarding step that
/// runs before usage metering (the limits) calls <see cref="Mark"/>, and metering then asks the
/// provider for a stream's usage even when the client did not (<see cref="StreamUsageRequest"/>).
/// System-key calls need no mark: their tokens always matter.
/// </summary>
public sealed class UsageRequired
{
    private static readonly UsageRequired Instance = new();

    private UsageRequired()
    {
    }

    public static void Mark(HttpContext context) => context.Features.Set(Instance);

    public static bool IsMarked(HttpContext context) => context.Features.Get<UsageRequired>() is not null;
}
