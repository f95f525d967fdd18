namespace ByokGateway.Tests.Deployment;

/// <summary>A dotenv file as compose reads it: <c>NAME=value</c> lines; <c>#</c> starts a comment line.</summary>
public static class EnvFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('=', 2);
            Assert.True(parts.Length == 2, $"{Path.GetFileName(path)}: '{parts[0]}' is not a NAME=value line");
            Assert.False(values.ContainsKey(parts[0]), $"{Path.GetFileName(path)} defines {parts[0]} twice");
            values[parts[0]] = parts[1];
        }

        return values;
    }
}
