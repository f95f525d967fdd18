namespace ByokGateway.Billing;

/// <summary>How Lago answered one batch.</summary>
public enum LagoSendOutcome
{
    /// <summary>2xx: every event of the batch is stored.</summary>
    Accepted,

    /// <summary>422 (validation) or 404 (unknown subscription/customer): Lago refused the batch's content, nothing of it is stored.</summary>
    Rejected,

    /// <summary>422 saying only that the <c>transaction_id</c> exists already: the event was delivered before.</summary>
    Duplicate,

    /// <summary>5xx, 429, a timeout, no connection, or a 4xx that is a configuration fault (401, 403, 400): try again later.</summary>
    Failed,
}
