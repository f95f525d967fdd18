namespace KeycloakEmulator;

// Kept internal and namespaced so test projects that reference both the emulator and the
// sidecar never see two global `Program` types (WebApplicationFactory<Program> stays unambiguous).
internal static class Program
{
    private static void Main(string[] args) => EmulatorApp.Create(args).Run();
}
