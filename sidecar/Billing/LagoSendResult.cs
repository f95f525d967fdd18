namespace ByokGateway.Billing;

/// <summary>The outcome of one batch and, when it did not succeed, why (status or exception type; never a body that could echo the key).</summary>
public sealed record LagoSendResult(LagoSendOutcome Outcome, string Reason);
