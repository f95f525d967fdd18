using System.CommandLine;

namespace ByokGateway.Cli;

/// <summary>The operator commands of the sidecar binary.</summary>
public static class CliApp
{
    private static readonly HashSet<string> CommandNames = ["generate-key", "encrypt", "decrypt", "rotate", "check", "usage", "audit", "--help", "-h", "-?", "help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && CommandNames.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("byok-sidecar: BYOK gateway for Keycloak. Without a command it runs the gateway (ASP.NET options such as --urls apply).")
        {
            GenerateKeyCommand.Create(),
            CryptCommands.CreateEncrypt(),
            CryptCommands.CreateDecrypt(),
            RotateCommand.Create(),
            CheckCommand.Create(),
            UsageCommand.Create(),
            AuditCommand.Create(),
        };
        return await root.Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args).InvokeAsync();
    }
}
