using System.CommandLine;
using ByokGateway.Crypto;

namespace ByokGateway.Cli;

public static class GenerateKeyCommand
{
    public static Command Create()
    {
        var command = new Command("generate-key", "Print a new Fernet encryption key (the last line of stdout), for ENCRYPTION_KEY or the front of ENCRYPTION_KEYS.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("New encryption key (keep it secret; losing it makes stored keys unreadable):");
            Console.Out.WriteLine(Fernet.GenerateKey());
            return 0;
        });
        return command;
    }
}
