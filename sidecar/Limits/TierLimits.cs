namespace ByokGateway.Limits;

/// <summary>One tier's limits: for calls on the operator's system keys and for calls on the user's own keys.</summary>
public sealed class TierLimits
{
    /// <summary>Calls that use the operator's key (they cost the operator money).</summary>
    public SourceLimits? System { get; set; }

    /// <summary>Calls that use the user's own key.</summary>
    public SourceLimits? Byok { get; set; }
}
