using System.Security.Claims;

namespace ByokGateway.GatewayKeys;

/// <summary>Where a gateway key was found, and the identity its calls get (shared: nothing changes claims).</summary>
public sealed record VerifiedGatewayKey(string UserId, string KeyId, byte[] SecretHash, ClaimsIdentity Identity);
