namespace KeycloakEmulator.Profile;

/// <summary>One Keycloak <c>ErrorRepresentation</c>: <c>{"field","errorMessage","params"}</c>; params start with the attribute name.</summary>
internal sealed record ProfileValidationError(string Field, string ErrorMessage, IReadOnlyList<object?> Params);
