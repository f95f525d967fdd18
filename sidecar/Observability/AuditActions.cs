namespace ByokGateway.Observability;

/// <summary>The stable names of audit actions, as stored in the ledger and printed by the CLI.</summary>
public static class AuditActions
{
    public const string KeyAdded = "key_added";
    public const string KeyRemoved = "key_removed";
    public const string KeyTested = "key_tested";
    public const string KeysRotated = "keys_rotated";
    public const string GatewayKeyCreated = "gateway_key_created";
    public const string GatewayKeyRevoked = "gateway_key_revoked";
    public const string LimitRefused = "limit_refused";
}
