using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.AdminEvents;
using ByokGateway.Crypto;
using ByokGateway.Keycloak;
using ByokGateway.Keys;
using ByokGateway.Providers;
using Microsoft.Extensions.Options;

namespace ByokGateway.Cli;

/// <summary>
/// Checks what the gateway needs before it serves traffic: configuration, Keycloak reachable,
/// the service account able to read and write users, and a realm that keeps <c>byok_*</c>
/// attributes. One line per check; exit code 0 only when all pass. Whether admin events can be
/// followed is reported as a warning, not a failure: without them the gateway works, but changes
/// made in Keycloak reach it only after the cache duration.
/// </summary>
public static class CheckCommand
{
    private static readonly string[] RequiredRoles = ["view-users", "manage-users"];

    public static Command Create()
    {
        var command = new Command("check", "Check configuration, Keycloak connectivity, service-account roles, the realm's unmanaged-attribute policy and admin events.");
        command.SetAction(async (_, cancellationToken) => await RunAsync(cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var host = CliHost.Build();
        var services = host.Services;
        var failures = 0;
        var warnings = 0;
        async Task Advise(string name, Func<Task<string?>> check)
        {
            string? warning;
            try
            {
                warning = await check();
            }
            catch (Exception e) when (e is KeycloakRequestException or KeycloakUnavailableException)
            {
                warning = e.Message;
            }

            if (warning is null)
            {
                await Console.Out.WriteLineAsync($"ok    {name}: the realm stores admin events and the service account reads them; changes made in Keycloak reach the gateway within seconds");
                return;
            }

            warnings++;
            var bound = services.GetRequiredService<IOptions<CacheOptions>>().Value.Duration;
            await Console.Out.WriteLineAsync($"WARN  {name}: {warning} Changes made in Keycloak (tiers, disabled or deleted users, keys) reach the gateway only after Cache:Duration ({bound}).");
        }

        async Task<bool> Step(string name, Func<Task<string>> check)
        {
            try
            {
                var detail = await check();
                await Console.Out.WriteLineAsync($"ok    {name}: {detail}");
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                var message = e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message;
                await Console.Out.WriteLineAsync($"FAIL  {name}: {message}");
                return false;
            }
        }


        var configured = await Step("encryption keys", () => Task.FromResult($"{services.GetRequiredService<KeyRing>().Count} key(s) loaded"));
        configured &= await Step("provider catalogue", () => Task.FromResult($"{services.GetRequiredService<ProviderCatalog>().All.Count} providers"));
        configured &= await Step("keycloak settings", () =>
        {
            var options = services.GetRequiredService<IOptions<KeycloakOptions>>().Value;
            return Task.FromResult($"{options.RealmUrl} as client '{options.ClientId}', expecting issuer {options.EffectiveIssuer}");
        });

        if (configured
            && await Step("keycloak reachable", async () =>
            {
                var options = services.GetRequiredService<IOptions<KeycloakOptions>>().Value;
                var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ServiceAccountTokenProvider));
                using var response = await client.GetAsync(KeycloakRoutes.Discovery(options.Realm), cancellationToken);
                var discovery = response.IsSuccessStatusCode
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))
                    : throw new InvalidOperationException($"the realm's discovery document answered {(int)response.StatusCode}; check Keycloak:Url and Keycloak:Realm.");
                var issuer = discovery?["issuer"]?.GetValue<string>();
                return issuer == options.EffectiveIssuer
                    ? $"issuer {issuer}"
                    : throw new InvalidOperationException($"Keycloak's issuer is '{issuer}' but tokens are validated against '{options.EffectiveIssuer}'; set Keycloak:Issuer (or KC_HOSTNAME) so they match.");
            })
            && await Step("service account", async () =>
            {
                var token = await services.GetRequiredService<ServiceAccountTokenProvider>().GetTokenAsync(cancellationToken);
                var roles = RealmManagementRoles(token);
                var missing = RequiredRoles.Where(r => !roles.Contains(r)).ToArray();
                return missing.Length == 0
                    ? "token obtained; realm-management roles view-users and manage-users present"
                    : throw new InvalidOperationException($"the service account lacks realm-management role(s) {string.Join(", ", missing)}.");
            })
            && await Step("read users", async () =>
            {
                await foreach (var _ in services.GetRequiredService<KeycloakAdminClient>().ListUsersAsync(cancellationToken))
                {
                    break;
                }

                return "the service account can list users";
            }))
        {
            await Step("unmanaged attribute policy", async () =>
            {
                var profile = await services.GetRequiredService<KeycloakAdminClient>().GetUserProfileConfigAsync(cancellationToken);
                var policy = profile["unmanagedAttributePolicy"]?.GetValue<string>() ?? "DISABLED";
                return policy is "ADMIN_EDIT" or "ENABLED"
                    ? $"{policy}: Keycloak stores byok_* attributes"
                    : throw new InvalidOperationException($"the realm's policy is {policy}: Keycloak would drop byok_* attributes. {AttributesNotStoredException.Advice}");
            });
            await Advise("admin events", () => AdminEventsWarningAsync(services, cancellationToken));
        }

        var passed = warnings == 0 ? "All checks passed." : $"All checks passed ({warnings} warning(s)).";
        await Console.Out.WriteLineAsync(failures == 0 ? passed : $"{failures} check(s) failed.");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Why the gateway cannot follow the realm's admin events, or null when it can.</summary>
    private static async Task<string?> AdminEventsWarningAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<IConfiguration>().GetSection(AdminEventsOptions.SectionName).Get<AdminEventsOptions>() ?? new AdminEventsOptions();
        if (!settings.Enabled)
        {
            return "AdminEvents:Enabled is false.";
        }

        var roles = RealmManagementRoles(await services.GetRequiredService<ServiceAccountTokenProvider>().GetTokenAsync(cancellationToken));
        if (!roles.Contains("view-events") && !roles.Contains("manage-events"))
        {
            return "the service account lacks the realm-management role view-events.";
        }

        var config = await services.GetRequiredService<KeycloakAdminClient>().GetEventsConfigAsync(cancellationToken);
        return config["adminEventsEnabled"]?.GetValue<bool>() == true
            ? null
            : "the realm does not store admin events (Realm settings > Events > Admin events settings > Save events).";
    }

    /// <summary>The service account's <c>realm-management</c> roles, read from its own token (no validation needed: we just got it from Keycloak).</summary>
    private static HashSet<string> RealmManagementRoles(string token)
    {
        var parts = token.Split('.');
        if (parts.Length < 2)
        {
            return [];
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return claims?["resource_access"]?["realm-management"]?["roles"]?.AsArray()
            .Select(r => r?.GetValue<string>())
            .OfType<string>()
            .ToHashSet() ?? [];
    }
}
