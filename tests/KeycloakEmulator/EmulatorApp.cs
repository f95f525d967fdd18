using KeycloakEmulator.Admin;
using KeycloakEmulator.Hosting;
using KeycloakEmulator.Realm;
using KeycloakEmulator.Testing;
using KeycloakEmulator.Tokens;
using Microsoft.Extensions.Options;

namespace KeycloakEmulator;

/// <summary>Builds the Keycloak 26 emulator; used by <c>Program</c> and in-process by test suites.</summary>
public static class EmulatorApp
{
    private const string DefaultUrl = "http://127.0.0.1:8180";

    /// <summary>Builds (does not start) the emulator. <paramref name="args"/> are normal ASP.NET arguments, e.g. <c>--urls http://127.0.0.1:0</c>.</summary>
    /// <exception cref="EmulatorStartupException">A realm file is missing or invalid, or names a variable that is not set.</exception>
    public static WebApplication Create(string[] args, Action<EmulatorOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var options = new EmulatorOptions();
        var section = builder.Configuration.GetSection(EmulatorOptions.SectionName);
        options.Hostname = section["Hostname"];
        options.RealmFiles.AddRange(section.GetSection("RealmFiles").Get<string[]>() ?? []);
        options.UsersFiles.AddRange(section.GetSection("UsersFiles").Get<string[]>() ?? []);
        foreach (var variable in section.GetSection("Variables").GetChildren())
        {
            options.Variables[variable.Key] = variable.Value;
        }

        configure?.Invoke(options);
        ApplyDefaultFiles(options);

        var time = TimeProvider.System;
        // Loading eagerly makes a bad realm file or a missing variable fail here, not on the first request.
        var realms = new RealmStore(options, time);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(realms);
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenFactory>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<DeviceAuthorizationStore>();
        builder.Services.AddSingleton<BruteForceProtector>();
        builder.Services.AddSingleton<AdminAuthenticator>();
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddSingleton<FaultState>();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseAdminFaults();
        app.MapDiscoveryEndpoints();
        app.MapTokenEndpoints();
        app.MapAdminApi();
        app.MapEmulatorControlEndpoints();
        return app;
    }

    private static void ApplyDefaultFiles(EmulatorOptions options)
    {
        if (options.RealmFiles.Count > 0 && options.UsersFiles.Count > 0)
        {
            return;
        }

        var root = RepositoryRoot.Find()
            ?? throw new EmulatorStartupException($"No realm file configured and no folder with {RepositoryRoot.RealmFile} found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}. Set Emulator:RealmFiles.");
        if (options.RealmFiles.Count == 0)
        {
            options.RealmFiles.Add(Path.Combine(root, RepositoryRoot.RealmFile));
        }

        if (options.UsersFiles.Count == 0)
        {
            options.UsersFiles.Add(Path.Combine(root, RepositoryRoot.DemoUsersFile));
        }
    }
}
