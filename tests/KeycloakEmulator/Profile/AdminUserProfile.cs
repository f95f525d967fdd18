using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Profile;

/// <summary>
/// Keycloak's DefaultAttributes + DefaultUserProfile in the USER_API (Admin REST API) context: how the
/// attributes of a request are normalized against the user profile, validated, written and read back.
/// </summary>
internal sealed class AdminUserProfile
{
    private static readonly string[] RootAttributes = ["username", "email", "firstName", "lastName"];

    private readonly UserProfileConfig _config;
    private readonly RealmSettings _realm;
    private readonly UserRecord? _user;
    private readonly Dictionary<string, List<string>> _attributes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unmanaged = new(StringComparer.Ordinal);

    private AdminUserProfile(UserProfileConfig config, RealmSettings realm, UserRecord? user)
    {
        _config = config;
        _realm = realm;
        _user = user;
    }

    public static AdminUserProfile Create(UserProfileConfig config, RealmSettings realm, IReadOnlyDictionary<string, List<string>> input, UserRecord? user)
    {
        var profile = new AdminUserProfile(config, realm, user);
        profile.Normalize(input);
        return profile;
    }

    public IReadOnlyDictionary<string, List<string>> Attributes => _attributes;

    private bool UnmanagedAllowed => _config.Policy != UnmanagedAttributePolicy.Disabled;

    private bool IsManaged(string name) => name is "username" or "email" || _config.IsManaged(name);

    public bool CanEdit(string name)
    {
        if (!IsManaged(name))
        {
            return _config.Policy is UnmanagedAttributePolicy.Enabled or UnmanagedAttributePolicy.AdminEdit;
        }

        var configured = _config.Attributes.TryGetValue(name, out var attribute) ? attribute : null;
        var permitted = configured is null || (configured.ViewRoles.Count == 0 && configured.EditRoles.Count == 0) || configured.AdminCanEdit;
        if (name == "username")
        {
            // DeclarativeUserProfileProviderFactory.editUsernameCondition
            var editable = _user is null ? !_realm.RegistrationEmailAsUsername : !_realm.RegistrationEmailAsUsername && _realm.EditUsernameAllowed;
            return permitted && editable;
        }

        return permitted;
    }

    public bool CanView(string name)
    {
        if (!IsManaged(name))
        {
            return CanEdit(name) || _config.Policy == UnmanagedAttributePolicy.AdminView;
        }

        if (name == "username")
        {
            return true;
        }

        var configured = _config.Attributes.TryGetValue(name, out var attribute) ? attribute : null;
        return configured is null || (configured.ViewRoles.Count == 0 && configured.EditRoles.Count == 0) || configured.AdminCanView;
    }

    private void Normalize(IReadOnlyDictionary<string, List<string>> input)
    {
        foreach (var (name, values) in input)
        {
            var clean = values.Where(v => v is not null).Select(v => name is "username" or "email" ? v.ToLowerInvariant() : v).ToList();
            if (IsManaged(name))
            {
                _attributes[name] = clean;
            }
            else if (UnmanagedAllowed)
            {
                _attributes[name] = clean;
                _unmanaged.Add(name);
            }
        }

        // The profile always holds every managed attribute; ones the caller cannot edit keep their stored value.
        foreach (var name in _config.Attributes.Keys.Append("username").Append("email").Distinct())
        {
            if (_attributes.ContainsKey(name))
            {
                continue;
            }

            _attributes[name] = _user is not null && !CanEdit(name) ? _user.GetAttribute(name).ToList() : [];
        }

        if (_user is not null && _attributes["username"].Count == 0 && !CanEdit("username"))
        {
            _attributes["username"] = [_user.Username];
        }
    }

    /// <summary>Runs every validator; the caller turns the errors into Keycloak's responses.</summary>
    public List<ProfileValidationError> Validate(Func<string, UserRecord?> findByUsername, Func<string, UserRecord?> findByEmail)
    {
        var errors = new List<ProfileValidationError>();
        foreach (var (name, values) in _attributes)
        {
            var attributeErrors = new List<ProfileValidationError>();
            var configured = _config.Attributes.TryGetValue(name, out var attribute) ? attribute : null;

            if (name == "username")
            {
                if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
                {
                    attributeErrors.Add(new ProfileValidationError(name, "missingUsernameMessage", [name]));
                }
                else if (findByUsername(values[0]) is { } other && other.Id != _user?.Id)
                {
                    attributeErrors.Add(new ProfileValidationError(name, "usernameExistsMessage", [name]));
                }
            }

            if (name == "email" && values.Count > 0 && !string.IsNullOrEmpty(values[0]) && !_realm.DuplicateEmailsAllowed
                && findByEmail(values[0]) is { } owner && owner.Id != _user?.Id)
            {
                attributeErrors.Add(new ProfileValidationError(name, "emailExistsMessage", [name]));
            }

            if (configured is not null)
            {
                if (configured.RequiredForAdmin && !(_user?.IsServiceAccount ?? false) && values.All(string.IsNullOrWhiteSpace))
                {
                    attributeErrors.Add(new ProfileValidationError(name, "error-user-attribute-required", [name]));
                }

                foreach (var (validator, config) in configured.Validations)
                {
                    attributeErrors.AddRange(AttributeValidators.Run(validator, config, name, values, ignoreEmpty: true));
                }

                if (!configured.Multivalued && values.Count > 1)
                {
                    attributeErrors.Add(new ProfileValidationError(name, "error-invalid-multivalued-size", [name, null, 1]));
                }

                if (ImmutableViolated(name, values))
                {
                    attributeErrors.Add(new ProfileValidationError(name, "error-user-attribute-read-only", [name]));
                }
            }

            if (configured is null || !configured.Validations.ContainsKey("length"))
            {
                if (AttributeValidators.DefaultLength(name, values) is { } tooLong)
                {
                    attributeErrors.Add(tooLong);
                }
            }

            // DefaultAttributes.validate: a read-only attribute whose value did not change is let through.
            if (attributeErrors.Count > 0 && _user is not null && !CanEdit(name) && SameValues(_user.GetAttribute(name), values))
            {
                continue;
            }

            errors.AddRange(attributeErrors);
        }

        return errors;
    }

    private bool ImmutableViolated(string name, List<string> values)
    {
        if (_user is null || CanEdit(name))
        {
            return false;
        }

        var current = _user.GetAttribute(name).Select(v => name == "username" ? v.ToLowerInvariant() : v).ToList();
        if (current.SequenceEqual(values))
        {
            return false;
        }

        return !(current.Count == 0 && values.All(string.IsNullOrWhiteSpace));
    }

    private static bool SameValues(IEnumerable<string> a, IEnumerable<string> b) =>
        a.Where(v => !string.IsNullOrWhiteSpace(v)).SequenceEqual(b.Where(v => !string.IsNullOrWhiteSpace(v)));

    /// <summary>DefaultUserProfile.updateInternal: writes editable attributes; with <paramref name="removeAttributes"/> deletes editable ones not in the profile.</summary>
    public void ApplyTo(UserRecord user, bool removeAttributes)
    {
        foreach (var (name, values) in _attributes)
        {
            if (!CanEdit(name))
            {
                continue;
            }

            if (!user.GetAttribute(name).SequenceEqual(values))
            {
                user.SetAttribute(name, values);
            }
        }

        if (!removeAttributes)
        {
            return;
        }

        foreach (var name in user.AllAttributes().Keys.Where(n => !_attributes.ContainsKey(n)).ToList())
        {
            if (!CanEdit(name))
            {
                continue;
            }

            user.SetAttribute(name, []);
        }
    }

    /// <summary>What the Admin API shows: readable attributes, root ones lifted to fields, empty ones left out.</summary>
    public (Dictionary<string, string?> Root, Dictionary<string, List<string>> Attributes) Readable()
    {
        var root = new Dictionary<string, string?>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in _attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!CanView(name))
            {
                continue;
            }

            if (RootAttributes.Contains(name))
            {
                root[name] = values.FirstOrDefault();
            }
            else if (values.Count > 0)
            {
                attributes[name] = values;
            }
        }

        return (root, attributes);
    }
}
