using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ByokGateway.Bench;

/// <summary>One wrk run against one configuration, and what it measured.</summary>
internal static class Wrk
{
    private const string ResultMarker = "BENCH_RESULT ";

    public static async Task<WrkResult> RunAsync(string script, Uri url, string authorization, int connections, int seconds, string? model = null)
    {
        var info = new ProcessStartInfo("wrk")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Two threads at most: the machine has two cores and wrk shares them with the servers.
        foreach (var argument in new[]
                 {
                     "-t", Math.Min(2, connections).ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-c", connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-d", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s",
                     "--timeout", "5s",
                     "-s", script,
                     url.ToString(),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["BENCH_AUTHORIZATION"] = authorization;
        if (model is not null)
        {
            info.Environment["BENCH_MODEL"] = model;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start wrk.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit {process.ExitCode}): {await stderr}{output}");
        return JsonSerializer.Deserialize(line[ResultMarker.Length..], WrkJson.Default.WrkResult)
            ?? throw new InvalidOperationException("Unreadable wrk result: " + line);
    }
}

internal sealed record WrkErrors(long Connect, long Read, long Write, long Status, long Timeout)
{
    public long Socket => Connect + Read + Write + Timeout;
}

internal sealed record WrkLatency(long P50, long P90, long P99, long Max, double Mean);

internal sealed record WrkResult(
    long Requests,
    [property: JsonPropertyName("duration_us")] long DurationMicroseconds,
    long Bytes,
    WrkErrors Errors,
    [property: JsonPropertyName("latency_us")] WrkLatency Latency)
{
    public double RequestsPerSecond => Requests / (DurationMicroseconds / 1e6);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WrkResult))]
internal sealed partial class WrkJson : JsonSerializerContext;
