namespace KeycloakEmulator.Profile;

/// <summary>Keycloak's <c>UPConfig.UnmanagedAttributePolicy</c>; absent in the config means disabled.</summary>
internal enum UnmanagedAttributePolicy
{
    Disabled,
    Enabled,
    AdminView,
    AdminEdit,
}
