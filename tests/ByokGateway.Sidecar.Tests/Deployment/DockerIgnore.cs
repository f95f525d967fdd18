using System.Text;
using System.Text.RegularExpressions;

namespace ByokGateway.Tests.Deployment;

/// <summary>
/// .dockerignore rules as Docker applies them (moby/patternmatcher): patterns relative to the
/// context root, <c>*</c> and <c>?</c> within one path segment, <c>**</c> across segments, a match
/// on a folder excludes everything below it, <c>!</c> re-includes, and the last matching rule wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude, string Text)> _rules = [];

    public DockerIgnore(string path)
    {
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..]).Trim().TrimStart('/').TrimEnd('/');
            _rules.Add((ToRegex(pattern), exclude, line));
        }
    }

    /// <summary>Whether a context-relative path (with <c>/</c>) is left out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Replace('\\', '/').Trim('/').Split('/');
        var excluded = false;
        foreach (var (pattern, exclude, _) in _rules)
        {
            // The path itself or one of its parent folders.
            for (var length = 1; length <= segments.Length; length++)
            {
                if (pattern.IsMatch(string.Join('/', segments.Take(length))))
                {
                    excluded = exclude;
                    break;
                }
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more folders; a trailing "**" matches anything.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
