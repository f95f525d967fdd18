using BenchmarkDotNet.Running;
using ByokGateway.Benchmarks.Proxy;

namespace ByokGateway.Benchmarks;

/// <summary>
/// bench/run.sh micro runs every benchmark; BenchmarkDotNet arguments pick some, e.g.
/// <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*Fernet*'</c>.
/// <c>alloc-probe</c> prints the allocated bytes of one cached key resolution as JSON for
/// <c>make bench</c>, which checks the 1 KB target without a full BenchmarkDotNet run.
/// <c>unified-memory-probe</c> prints what the /v1 model rewrite holds and allocates for a 20 MB
/// body with the model first and last.
/// </summary>
internal static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        if (args is ["alloc-probe"])
        {
            Console.WriteLine($$"""{"key_resolution_bytes_per_request":{{KeyResolutionBenchmarks.MeasureAllocatedBytes():0.0}}}""");
            return;
        }

        if (args is ["unified-memory-probe"])
        {
            Console.WriteLine(Unified.ModelRewriteBenchmarks.MeasureMemory());
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
