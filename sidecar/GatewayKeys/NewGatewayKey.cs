namespace ByokGateway.GatewayKeys;

/// <summary>A freshly made gateway key: <see cref="Token"/> is shown to the user once and never stored.</summary>
public sealed record NewGatewayKey(string Token, byte[] SecretHash, string Preview);
