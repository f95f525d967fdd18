using ByokGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ByokGateway.Tests.Limits;

/// <summary>
/// A gateway with small limits for free users on system keys (3 requests per minute, 100 tokens
/// per day), own keys allowed from the free tier and left at their default (unlimited), and the
/// gateway's clock in the tests' hand: one second into a UTC minute, so no window ends unless a
/// test moves the clock.
/// </summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public const int RequestsPerMinute = 3;
    public const int TokensPerDay = 100;

    private TestGateway? _stack;

    public FakeTimeProvider Time { get; } = new(StartOfMinute(DateTimeOffset.UtcNow).AddSeconds(1));

    public TestGateway Stack => _stack ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _stack = await TestGateway.StartAsync(
        new Dictionary<string, string?>
        {
            ["Byok:RequiredTier"] = "free",
            ["Limits:Tiers:free:System:RequestsPerMinute"] = RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Limits:Tiers:free:System:TokensPerDay"] = TokensPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The admin-events follower waits on the gateway's clock, which only the tests move.
            ["AdminEvents:Enabled"] = "false",
        },
        services => services.AddSingleton<TimeProvider>(Time));

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    public static DateTimeOffset StartOfMinute(DateTimeOffset now) =>
        new(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
}
