using System.Diagnostics;
using System.Net;

namespace ByokGateway.Bench;

/// <summary>
/// First requests of users whose records are not cached: N concurrent first requests of one user
/// must cost one Keycloak read (single flight), and the first requests of N distinct users one
/// read each. Counted by the emulator's request counters.
/// </summary>
internal static class ColdPath
{
    public const int ConcurrentRequests = 100;
    public const int DistinctUsers = 1000;
    public const int Parallelism = 64;

    // Long enough that every concurrent request arrives while the first read is still in flight.
    public const int AdminDelayMs = 50;

    public static async Task<ColdPathResult> RunAsync(Stack stack, CancellationToken cancellationToken)
    {
        var url = new Uri(stack.Sidecar, "openai/v1/chat/completions");

        // One user, many concurrent first requests.
        var singleId = await stack.CreateUserAsync("bench-cold-single", "starter");
        var singleToken = "Bearer " + await stack.MintTokenAsync("bench-cold-single", TimeSpan.FromHours(1));
        await stack.SetAdminDelayAsync(AdminDelayMs);
        await stack.ResetCountersAsync();
        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, ConcurrentRequests).Select(_ => stack.ChatAsync(url, singleToken)));
        var singleElapsed = watch.Elapsed;
        await stack.SetAdminDelayAsync(0);
        var counters = await stack.CountersAsync();
        var singleReads = counters["userReads"]?[singleId]?.GetValue<int>() ?? 0;
        var singleFailures = responses.Count(r => r.Status != HttpStatusCode.OK);

        // Many users, one first request each.
        var users = new (string Id, string Authorization)[DistinctUsers];
        await Parallel.ForEachAsync(Enumerable.Range(0, DistinctUsers), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, _) =>
        {
            var username = $"bench-cold-{i:D4}";
            var id = await stack.CreateUserAsync(username, "starter");
            users[i] = (id, "Bearer " + await stack.MintTokenAsync(username, TimeSpan.FromHours(1)));
        });
        await stack.ResetCountersAsync();
        var failures = 0;
        watch.Restart();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (user, _) =>
        {
            if ((await stack.ChatAsync(url, user.Authorization)).Status != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var manyElapsed = watch.Elapsed;
        counters = await stack.CountersAsync();
        var readsTotal = counters["userReadsTotal"]?.GetValue<int>() ?? 0;
        var perUser = users.Select(u => counters["userReads"]?[u.Id]?.GetValue<int>() ?? 0).ToList();

        return new ColdPathResult(
            new ColdPathCase(ConcurrentRequests, 1, singleReads, singleElapsed.TotalMilliseconds, singleFailures, AdminDelayMs),
            new ColdPathCase(DistinctUsers, DistinctUsers, readsTotal, manyElapsed.TotalMilliseconds, failures, 0),
            perUser.Count(n => n == 1));
    }
}

/// <summary>One cold-path case: requests sent, Keycloak reads expected and counted, total time.</summary>
internal sealed record ColdPathCase(int Requests, int ExpectedReads, int KeycloakReads, double TotalMs, int NonOkResponses, int AdminDelayMs)
{
    public bool Holds => KeycloakReads == ExpectedReads && NonOkResponses == 0;
}

internal sealed record ColdPathResult(ColdPathCase OneUserConcurrent, ColdPathCase DistinctUsers, int UsersReadExactlyOnce);
