using ByokGateway.AdminEvents;
using ByokGateway.Auth;
using ByokGateway.Billing;
using ByokGateway.Cli;
using ByokGateway.Crypto;
using ByokGateway.GatewayKeys;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using ByokGateway.Ledger;
using ByokGateway.Management;
using ByokGateway.Observability;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using ByokGateway.Security;
using ByokGateway.Unified;
using ByokGateway.Usage;
using ByokGateway.UsageReports;
using Microsoft.Extensions.Options;

// One binary, two faces: operator commands (generate-key, encrypt, decrypt, rotate, check, usage, audit) and the gateway.
if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

RuntimeTuning.Apply();

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        // appsettings.json (the provider catalogue) sits next to the binary, wherever it is started from.
        ContentRootPath = AppContext.BaseDirectory,
    });

    builder.AddSidecarConfiguration();
    builder.AddObservability();
    builder.AddSidecarHosting();
    builder.AddManagementPort();
    builder.AddByokCors();
    builder.AddEncryption();
    builder.AddKeycloak();
    builder.AddAttributePolicyCheck();
    builder.AddProviderCatalog();
    builder.AddOutboundGuard();
    builder.AddKeyStore();
    builder.AddLedger();
    builder.AddByokAuth();
    builder.AddAdminEvents();
    builder.AddByokApi();
    builder.AddGatewayKeys();
    builder.AddKeySwapProxy();
    builder.AddUnifiedEndpoint();
    // Forwarding steps run in registration order: the limits (when added) go before metering.
    builder.AddUsageMetering();
    builder.AddBilling();

    var app = builder.Build();

    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseMethodAllowlist();
    app.UseManagementPort();
    app.UseCors();
    app.UseAuthentication();
    app.UseAuthorization();

    app.MapHealth();
    app.MapObservability();
    app.MapByokApi();
    app.MapGatewayKeys();
    app.MapUsageApi();
    app.MapUnifiedEndpoint();
    app.MapKeySwapProxy();

    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } problem)
{
    // Bad configuration: say what to fix, without a stack trace.
    await Console.Error.WriteLineAsync($"byok-sidecar cannot start:{Environment.NewLine}  - {problem}");
    return 1;
}

/// <summary>Entry point type, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
