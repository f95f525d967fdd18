using System.Runtime.CompilerServices;

namespace ByokGateway.GatewayKeys;

/// <summary>The SHA-256 of a gateway key's secret, held inline so checking a key allocates nothing for it.</summary>
[InlineArray(32)]
public struct SecretHash
{
    private byte _first;
}
