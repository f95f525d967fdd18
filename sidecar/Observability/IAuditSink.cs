namespace ByokGateway.Observability;

/// <summary>
/// Receives every audit event besides the log (the ledger). Must not block or throw: called on
/// the request's own thread.
/// </summary>
public interface IAuditSink
{
    void Record(AuditEvent auditEvent);
}
