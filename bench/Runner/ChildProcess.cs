using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ByokGateway.Bench;

/// <summary>
/// A server the runner started. Its output goes straight to a log file (not through a pipe the
/// runner would have to drain while it measures); it is stopped by its own PID.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(string name, Process process, string log)
    {
        Name = name;
        _process = process;
        LogPath = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="file"/> through <c>sh -c exec</c> so the PID is the server's own; its output is appended to <paramref name="log"/> (append mode, so the runner may truncate the file between runs).</summary>
    public static ChildProcess Start(string name, string file, IEnumerable<string> arguments, IDictionary<string, string> environment, string log)
    {
        var command = "exec " + string.Join(' ', new[] { file }.Concat(arguments).Select(Quote)) + " >>" + Quote(log) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        return new ChildProcess(name, process, log);
    }

    /// <summary>Waits for ASP.NET Core's "Now listening on" line and returns the address.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening. Last lines:\n{Tail()}");
            }

            if (File.Exists(LogPath) && ListeningLine().Match(await ReadSharedAsync(LogPath)) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value.TrimEnd('/') + "/");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not start listening within {timeout.TotalSeconds:0} s. Last lines:\n{Tail()}");
    }

    /// <summary>Waits until a TCP connection to the port succeeds (nginx writes nothing when ready).</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}. Last lines:\n{Tail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{Name} did not accept connections on port {port} within {timeout.TotalSeconds:0} s.");
    }

    /// <summary>User + system CPU time of this process and its children (nginx workers), from /proc.</summary>
    public TimeSpan CpuTime()
    {
        var ticks = 0L;
        foreach (var pid in ProcessTree(Pid))
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the process ended between listing and reading
            }
        }

        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>Resident memory of this process and its children (nginx workers), from /proc/&lt;pid&gt;/status.</summary>
    public long RssBytes()
    {
        var bytes = 0L;
        foreach (var pid in ProcessTree(Pid))
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        bytes += long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // the process ended between listing and reading
            }
        }

        return bytes;
    }

    /// <summary>Counts the log lines containing <paramref name="text"/>, then empties the log so a long run does not fill the disk.</summary>
    public long CountAndTruncateLog(string text) => CountAndTruncateLines(LogPath, text);

    /// <summary>Counts the lines of <paramref name="path"/> containing <paramref name="text"/> and empties the file (writers append).</summary>
    public static long CountAndTruncateLines(string path, string text)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        long count = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    count++;
                }
            }
        }

        using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        return count;
    }

    public string Tail(int lines = 15)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }

    /// <summary>SIGTERM, then SIGKILL after a grace period. nginx's master takes its workers along.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(Pid, SigTerm);
        if (!_process.WaitForExit(grace))
        {
            _ = Kill(Pid, SigKill);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private static IEnumerable<int> ProcessTree(int root)
    {
        yield return root;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == root)
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == root)
            {
                yield return pid;
            }
        }
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private const int SigKill = 9;
    private const int SigTerm = 15;

    // sysconf(_SC_CLK_TCK) is 100 on every Linux this runs on.
    private const int ClockTicksPerSecond = 100;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
