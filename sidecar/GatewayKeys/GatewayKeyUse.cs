namespace ByokGateway.GatewayKeys;

/// <summary>One queued <c>last_used</c> write: the key was used on <see cref="Day"/> (UTC).</summary>
internal readonly record struct GatewayKeyUse(string UserId, string KeyId, DateOnly Day);
