using ByokGateway.Auth;
using ByokGateway.Crypto;
using ByokGateway.GatewayKeys;
using ByokGateway.Hosting;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using ByokGateway.Observability;
using ByokGateway.Providers;
using ByokGateway.Proxy;
using ByokGateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ByokGateway.Benchmarks;

/// <summary>
/// The sidecar's services composed as Program.cs composes them, without starting a server, so a
/// benchmark exercises the registered singletons (cache, key ring, resolver) and not copies.
/// </summary>
internal static class SidecarServices
{
    public static WebApplication Build(string encryptionKey, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ENCRYPTION_KEY"] = encryptionKey,
            ["Keycloak:Url"] = "http://127.0.0.1:9",
            ["Keycloak:ClientSecret"] = "unused",
            ["Cache:Duration"] = "01:00:00",
            ["Providers:openai:Name"] = "OpenAI",
            ["Providers:openai:KeyPrefix"] = "sk-",
            ["Providers:openai:BaseUrl"] = "http://127.0.0.1:9",
            ["Providers:openai:Auth"] = "bearer",
        });
        builder.Logging.ClearProviders();
        builder.AddSidecarConfiguration();
        builder.AddObservability();
        builder.AddSidecarHosting();
        builder.AddEncryption();
        builder.AddKeycloak();
        builder.AddProviderCatalog();
        builder.AddOutboundGuard();
        builder.AddKeyStore();
        builder.AddByokAuth();
        builder.AddGatewayKeys();
        builder.AddKeySwapProxy();
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
