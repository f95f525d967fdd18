namespace ByokGateway.Keycloak;

/// <summary>
/// Keycloak accepted a user update but did not keep the <c>byok_*</c> attributes: the realm's
/// unmanaged-attribute policy is not <c>ADMIN_EDIT</c> (Keycloak silently drops unmanaged
/// attributes under <c>DISABLED</c>). Never reported to users as a success.
/// </summary>
public sealed class AttributesNotStoredException : Exception
{
    public const string Advice =
        "Keycloak did not store the byok_* user attributes. Set the realm's user profile 'unmanagedAttributePolicy' to ADMIN_EDIT "
        + "(Realm settings > General > Unmanaged attributes: 'Only administrators can write', or import realm-export/byok-realm.json).";

    public AttributesNotStoredException()
        : base(Advice)
    {
    }

    public AttributesNotStoredException(string message)
        : base(message)
    {
    }

    public AttributesNotStoredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
