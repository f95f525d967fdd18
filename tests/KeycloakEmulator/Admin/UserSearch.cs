using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Admin;

/// <summary>The filters of <c>GET /users</c> and <c>/users/count</c>, with Keycloak's JPA matching rules.</summary>
internal sealed record UserSearch(string? Search, string? Username, string? Email, string? FirstName, string? LastName, bool Exact, string? Query, bool? Enabled, bool? EmailVerified)
{
    public static UserSearch From(IQueryCollection query)
    {
        static string? S(IQueryCollection q, string name) => q.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v.ToString() : null;
        static bool? B(IQueryCollection q, string name) => S(q, name) is { } v ? bool.TryParse(v, out var b) ? b : null : null;
        return new UserSearch(S(query, "search"), S(query, "username"), S(query, "email"), S(query, "firstName"), S(query, "lastName"),
            B(query, "exact") ?? false, S(query, "q"), B(query, "enabled"), B(query, "emailVerified"));
    }

    /// <summary>Field filters include service accounts; a plain listing or a <c>search</c> does not (UsersResource.searchForUser).</summary>
    private bool IncludeServiceAccounts => Search is null && (Username ?? Email ?? FirstName ?? LastName ?? Query) is not null;

    public IEnumerable<UserRecord> Apply(IEnumerable<UserRecord> users)
    {
        var attributeTerms = ParseQuery(Query);
        return users
            .Where(u => IncludeServiceAccounts || !u.IsServiceAccount)
            .Where(u => Search is null || MatchesSearch(u, Search))
            .Where(u => Field(u.Username, Username) && Field(u.Email, Email) && Field(u.FirstName, FirstName) && Field(u.LastName, LastName))
            .Where(u => Enabled is null || u.Enabled == Enabled)
            .Where(u => EmailVerified is null || u.EmailVerified == EmailVerified)
            .Where(u => attributeTerms.All(t => u.GetAttribute(t.Key).Contains(t.Value, StringComparer.Ordinal)))
            .OrderBy(u => u.Username, StringComparer.Ordinal);
    }

    private bool Field(string? actual, string? wanted)
    {
        if (wanted is null)
        {
            return true;
        }

        return actual is not null && (Exact
            ? string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase)
            : actual.Contains(wanted, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"foo" and "foo*" are prefix searches, "*foo*" infix, "\"foo\"" exact; over username, email, first and last name.</summary>
    private static bool MatchesSearch(UserRecord user, string search)
    {
        var value = search.Trim();
        Func<string, bool> match;
        if (value.Length >= 2 && value.StartsWith('"') && value.EndsWith('"'))
        {
            var exact = value[1..^1];
            match = s => string.Equals(s, exact, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(value.ToLowerInvariant()).Replace("\\*", ".*", StringComparison.Ordinal);
            if (!value.EndsWith('*'))
            {
                pattern += ".*";
            }

            match = s => System.Text.RegularExpressions.Regex.IsMatch(s.ToLowerInvariant(), pattern + "$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }

        return new[] { user.Username, user.Email, user.FirstName, user.LastName }.Any(s => s is not null && match(s));
    }

    private static Dictionary<string, string> ParseQuery(string? query)
    {
        var terms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var term in (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = term.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                terms[term[..colon]] = term[(colon + 1)..];
            }
        }

        return terms;
    }
}
