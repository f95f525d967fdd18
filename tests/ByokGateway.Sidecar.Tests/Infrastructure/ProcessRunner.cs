using System.Diagnostics;

namespace ByokGateway.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs a program with stdin and environment, collecting its output.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? standardInput = null,
        IDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var start = StartInfo(fileName, arguments, environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // A guard timeout (a process that starts instead of refusing): do not leave it running
            // for the rest of the suite and beyond.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Redirected standard streams, the keys under test removed from the inherited environment,
    /// then <paramref name="environment"/> applied (a null value removes the variable).
    /// </summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Start from a clean slate for the variables under test, whatever the runner's environment holds.
        foreach (var name in new[] { "ENCRYPTION_KEY", "ENCRYPTION_KEYS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    /// <summary>The start info of the sidecar binary (see <see cref="StartInfo"/>).</summary>
    public static ProcessStartInfo SidecarStartInfo(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        StartInfo("dotnet", [RepoPaths.SidecarDll, .. arguments], environment);

    /// <summary>The sidecar binary with a command, e.g. <c>encrypt</c>.</summary>
    public static Task<ProcessResult> RunSidecarAsync(
        IEnumerable<string> arguments, string? standardInput = null, IDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default) =>
        RunAsync("dotnet", [RepoPaths.SidecarDll, .. arguments], standardInput, environment, cancellationToken);
}
