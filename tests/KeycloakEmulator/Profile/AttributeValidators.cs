using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeycloakEmulator.Profile;

/// <summary>
/// The Keycloak validators a user profile can name, with Keycloak's message keys and parameters
/// (params always start with the attribute name, as <c>ValidationError.getInputHintWithMessageParameters</c> does).
/// </summary>
internal static partial class AttributeValidators
{
    /// <summary>Keycloak's DefaultAttributes.DEFAULT_MAX_LENGTH_ATTRIBUTES, added to every attribute without a length validator.</summary>
    public const int DefaultMaxLength = 2048;

    public static IEnumerable<ProfileValidationError> Run(string validator, JsonObject config, string name, IReadOnlyList<string> values, bool ignoreEmpty)
    {
        foreach (var raw in values)
        {
            if (ignoreEmpty && string.IsNullOrEmpty(raw))
            {
                continue;
            }

            var error = validator switch
            {
                "length" => Length(config, name, raw),
                "options" => Options(config, name, raw),
                "email" => EmailPattern().IsMatch(raw) ? null : new ProfileValidationError(name, "invalidEmailMessage", [name]),
                "pattern" => Pattern(config, name, raw),
                "person-name-prohibited-characters" => PersonNameProhibited().IsMatch(raw) ? new ProfileValidationError(name, "error-person-name-invalid-character", [name]) : null,
                "username-prohibited-characters" => UsernameProhibited().IsMatch(raw) ? new ProfileValidationError(name, "error-username-invalid-character", [name]) : null,
                "integer" => long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : new ProfileValidationError(name, "error-invalid-number", [name]),
                "double" => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : new ProfileValidationError(name, "error-invalid-number", [name]),
                // Validators the emulator does not model (e.g. up-username-not-idn-homograph, uri, iso-date) accept every value.
                _ => null,
            };

            if (error is not null)
            {
                // Keycloak's AbstractStringValidator reports one error per validator, not one per value.
                yield return error;
                yield break;
            }
        }
    }

    public static ProfileValidationError? DefaultLength(string name, IReadOnlyList<string> values) =>
        values.Any(v => v.Trim().Length > DefaultMaxLength)
            ? new ProfileValidationError(name, "error-invalid-length", [name, 0, DefaultMaxLength])
            : null;

    private static ProfileValidationError? Length(JsonObject config, string name, string raw)
    {
        int? min = Int(config["min"]);
        int? max = Int(config["max"]);
        var trimDisabled = string.Equals(config["trim-disabled"]?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var length = (trimDisabled ? raw : raw.Trim()).Length;
        if ((min is not null && length < min) || (max is not null && length > max))
        {
            var message = max is null ? "error-invalid-length-too-short" : min is null ? "error-invalid-length-too-long" : "error-invalid-length";
            return new ProfileValidationError(name, message, [name, min, max]);
        }

        return null;
    }

    private static ProfileValidationError? Options(JsonObject config, string name, string raw)
    {
        var options = config["options"] as JsonArray;
        var allowed = options?.Any(o => o?.ToString() == raw) ?? false;
        return allowed ? null : new ProfileValidationError(name, "error-invalid-value", [name]);
    }

    private static ProfileValidationError? Pattern(JsonObject config, string name, string raw)
    {
        var pattern = config["pattern"]?.ToString();
        if (pattern is null || Regex.IsMatch(raw, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return null;
        }

        return new ProfileValidationError(name, config["error-message"]?.ToString() ?? "error-pattern-no-match", [name, pattern]);
    }

    private static int? Int(JsonNode? node) => node is null ? null : int.Parse(node.ToString(), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("[<>&\"$%!#?§;*~/\\\\|^=\\[\\]{}()\\u0000-\\u001F\\u007F]")]
    private static partial Regex PersonNameProhibited();

    [GeneratedRegex("[<>&\"'$%!#?§;*~/\\\\|^=\\[\\]{}()\\s\\u0000-\\u001F\\u007F]")]
    private static partial Regex UsernameProhibited();
}
