namespace ByokGateway.Usage;

/// <summary>
/// Receives every metered call (the ledger, the limits' token counters, the token metrics).
/// Called on the request's own thread as the call ends: implementations must not block or throw
/// (queue the record and return).
/// </summary>
public interface IUsageSink
{
    void Record(UsageRecord record);
}
