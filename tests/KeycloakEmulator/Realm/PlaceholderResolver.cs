using System.Text;
using KeycloakEmulator.Hosting;

namespace KeycloakEmulator.Realm;

/// <summary>
/// Resolves <c>${VAR}</c> and <c>${VAR:default}</c> in realm files the way Keycloak's import does
/// (StringPropertyReplacer). Keycloak leaves an unresolved placeholder as literal text; the emulator is
/// stricter for names written like environment variables (upper case), because a client secret that
/// silently became the text "${BYOK_SIDECAR_SECRET}" is a bug worth stopping for. Lower-case names such
/// as <c>${client_account}</c> or <c>${authBaseUrl}</c> are Keycloak message keys and runtime variables.
/// </summary>
internal sealed class PlaceholderResolver(Func<string, string?> lookup)
{
    public string Resolve(string text, string source)
    {
        var result = new StringBuilder(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            var start = text.IndexOf("${", index, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(text, index, text.Length - index);
                break;
            }

            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                result.Append(text, index, text.Length - index);
                break;
            }

            result.Append(text, index, start - index);
            var key = text[(start + 2)..end];
            result.Append(ResolveKey(key, source) ?? text[start..(end + 1)]);
            index = end + 1;
        }

        return result.ToString();
    }

    private string? ResolveKey(string key, string source)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? key[..colon] : key;
        var value = lookup(name);
        if (value is not null)
        {
            return value;
        }

        if (colon > 0)
        {
            return key[(colon + 1)..];
        }

        if (IsEnvironmentStyle(name))
        {
            throw new EmulatorStartupException(
                $"{source} uses ${{{name}}} but the variable {name} is not set. Set the environment variable {name} (or EmulatorOptions.Variables[\"{name}\"]), or write ${{{name}:default}} in the file.");
        }

        return null;
    }

    private static bool IsEnvironmentStyle(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');
}
