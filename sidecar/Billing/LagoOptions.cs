using System.ComponentModel.DataAnnotations;

namespace ByokGateway.Billing;

/// <summary>
/// The billing export to Lago (section <c>Billing:Lago</c>, DESIGN.md §12). Without <see cref="Url"/>
/// nothing is exported and usage records are not kept pending for billing.
/// </summary>
public sealed class LagoOptions
{
    public const string SectionName = "Billing:Lago";

    /// <summary>Lago's API base URL (e.g. <c>https://api.getlago.com</c>); events go to <c>{Url}/api/v1/events/batch</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>Lago's API key, sent as <c>Authorization: Bearer</c>. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The code of the Lago billable metric the events belong to.</summary>
    [Required]
    [RegularExpression(@"^\S+$", ErrorMessage = "Billing:Lago:EventCode must be a billable metric code without spaces.")]
    public string EventCode { get; set; } = "llm_usage";

    /// <summary>The Keycloak user attribute holding the user's Lago <c>external_subscription_id</c>; unset or absent on a user = the user id.</summary>
    public string? SubscriptionAttribute { get; set; }

    /// <summary>Events per request; Lago accepts at most 100 (its <c>LAGO_EVENTS_BATCH_MAX_LENGTH</c> default).</summary>
    [Range(1, 100)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long the exporter waits before looking again when nothing is pending.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one request to Lago may take before it counts as failed (and is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay after a failure; it doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries while Lago is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an event Lago rejected as invalid (422, or 404 for an unknown subscription) waits
    /// before it is offered again, so it never blocks the others and is retried once the operator
    /// has fixed Lago (e.g. created the subscription).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RejectedRetryDelay { get; set; } = TimeSpan.FromHours(24);

    public bool Enabled => Url is not null;
}
