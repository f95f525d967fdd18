namespace ByokGateway.Tests.Infrastructure;

/// <summary>Locations in the checkout, found from the test binary upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The built sidecar, run as a separate process by CLI tests.</summary>
    public static string SidecarDll => Path.Combine(Root, "sidecar", "bin", Configuration, "net10.0", "byok-sidecar.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ByokGateway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (ByokGateway.slnx) above " + AppContext.BaseDirectory);
    }
}
