namespace KeycloakEmulator.Hosting;

/// <summary>Finds the repository folder that holds <c>realm-export/byok-realm.json</c>.</summary>
internal static class RepositoryRoot
{
    public const string RealmFile = "realm-export/byok-realm.json";
    public const string DemoUsersFile = "realm-export/demo-users/byok-users-0.json";

    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, RealmFile)))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
