using System.Security.Claims;
using ByokGateway.Auth;
using ByokGateway.Crypto;
using ByokGateway.Hosting;
using ByokGateway.Observability;
using ByokGateway.Providers;
using ByokGateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ByokGateway.Keys;

/// <summary>What the management API handlers share, bound with <c>[AsParameters]</c>.</summary>
public sealed record ByokServices(
    ProviderCatalog Catalog,
    KeyStore Store,
    KeyRing Keys,
    OutboundGuard Guard,
    IOptions<ByokOptions> Options,
    TimeProvider Time,
    AuditLog Audit)
{
    /// <summary>The caller's record (cached); a user Keycloak does not know is an error.</summary>
    public async Task<ByokRecord> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await Store.GetAsync(ByokAuthExtensions.UserId(user), cancellationToken) ?? throw new UserNotFoundException();

    /// <summary>403 naming the current and required tier when the user may not use BYOK.</summary>
    public ProblemHttpResult? TierProblem(ByokRecord record)
    {
        var required = Options.Value.RequiredTier;
        return Tiers.Satisfies(record.Tier, required)
            ? null
            : ApiProblems.Forbidden(
                $"Your tier is '{record.Tier}'; using your own API keys requires the '{required}' tier or higher. Ask an administrator to upgrade your subscription.",
                new Dictionary<string, object?> { ["current_tier"] = record.Tier, ["required_tier"] = required });
    }
}
