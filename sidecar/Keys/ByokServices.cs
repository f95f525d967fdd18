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
    AuditLog Audit,
    KeyRateLimits Limits)
{
    // Every route reads the caller through LoadAsync/LoadFreshAsync or writes through
    // KeyStore.UpdateAsync, and all three refuse a deleted or disabled user (403 from the
    // exception handler), so no handler checks the account itself.

    /// <summary>The caller's record (cached); a user Keycloak does not know, or has disabled, is refused.</summary>
    public async Task<ByokRecord> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        KeyStore.RequireActive(await Store.GetAsync(ByokAuthExtensions.UserId(user), cancellationToken));

    /// <summary>The caller's record read from Keycloak now (see <see cref="KeyStore.GetFreshAsync"/>), refused like <see cref="LoadAsync"/>.</summary>
    public async Task<ByokRecord> LoadFreshAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        KeyStore.RequireActive(await Store.GetFreshAsync(ByokAuthExtensions.UserId(user), cancellationToken));

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
