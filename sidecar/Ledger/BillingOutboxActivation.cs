namespace ByokGateway.Ledger;

/// <summary>
/// Whether usage records are stored as pending for the billing export (the outbox). Off unless
/// the billing feature, when configured, registers <see cref="On"/> (e.g.
/// <c>services.AddSingleton(BillingOutboxActivation.On)</c>): a record stored while billing was
/// off is never billed later, so enabling billing does not bill the past.
/// </summary>
public sealed class BillingOutboxActivation
{
    public static readonly BillingOutboxActivation Off = new(false);

    public static readonly BillingOutboxActivation On = new(true);

    private BillingOutboxActivation(bool enabled) => Enabled = enabled;

    public bool Enabled { get; }
}
