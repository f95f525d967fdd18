using System.Globalization;
using System.Threading.RateLimiting;
using ByokGateway.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keys;

/// <summary>
/// Per-user budgets of the management API: key tests (each one calls the provider) and key writes
/// (each one reads and writes the Keycloak user). Handlers take a permit themselves, right before
/// the work it pays for, rather than through endpoint middleware: a request refused earlier
/// (validation, unknown provider, missing key, disabled user, Keycloak unreachable) costs the
/// user nothing. The budgets live in each replica's memory; idle users' windows are dropped.
/// </summary>
public sealed class KeyRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _tests;
    private readonly PartitionedRateLimiter<string> _writes;

    public KeyRateLimits(IOptions<ByokOptions> options)
    {
        var byok = options.Value;
        _tests = PerUser(byok.KeyTestPermitLimit, byok.KeyTestWindow);
        _writes = PerUser(byok.KeyWritePermitLimit, byok.KeyWriteWindow);
    }

    /// <summary>Whether the user has a key test left, without taking it: null, or the 429 to answer.</summary>
    public ProblemHttpResult? CheckTest(string userId, HttpResponse response) => Attempt(_tests, userId, 0, response, TestsDetail);

    /// <summary>Takes one key test: null, or the 429 to answer (with <c>Retry-After</c> set on <paramref name="response"/>).</summary>
    public ProblemHttpResult? AcquireTest(string userId, HttpResponse response) => Attempt(_tests, userId, 1, response, TestsDetail);

    /// <summary>Takes one key write: null, or the 429 to answer (with <c>Retry-After</c> set on <paramref name="response"/>).</summary>
    public ProblemHttpResult? AcquireWrite(string userId, HttpResponse response) => Attempt(_writes, userId, 1, response, WritesDetail);

    public void Dispose()
    {
        _tests.Dispose();
        _writes.Dispose();
    }

    private static string TestsDetail(int seconds) =>
        $"Too many key tests in a short time; try again in {seconds} seconds.";

    private static string WritesDetail(int seconds) =>
        $"Too many key changes in a short time, so nothing was changed; try again in {seconds} seconds.";

    private static PartitionedRateLimiter<string> PerUser(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetFixedWindowLimiter(userId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        }));

    private static ProblemHttpResult? Attempt(PartitionedRateLimiter<string> limiter, string userId, int permits, HttpResponse response, Func<int, string> detail)
    {
        using var lease = limiter.AttemptAcquire(userId, permits);
        if (lease.IsAcquired)
        {
            return null;
        }

        // A fixed window reports its full length, an upper bound of the real wait.
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.TooManyRequests(detail(seconds));
    }
}
