using FakeProvider.Anthropic;
using FakeProvider.Auth;
using FakeProvider.Chat;
using FakeProvider.Compat;
using FakeProvider.Control;
using FakeProvider.Errors;
using FakeProvider.KeyTests;
using FakeProvider.Lago;
using FakeProvider.Models;
using FakeProvider.OpenAi;
using FakeProvider.Recording;
using FakeProvider.Routing;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FakeProvider;

/// <summary>
/// Builds the fake LLM provider: OpenAI-, Anthropic- and other providers' endpoints that accept
/// a configured set of keys, a test-only control API under <c>/_fake/</c> and a Lago stand-in
/// under <c>/lago/</c>.
/// </summary>
public static class FakeProviderApp
{
    /// <summary>URL used when neither <c>--urls</c> nor other server addresses are configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8190";

    /// <summary>Builds (does not start) the fake provider.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>["--urls", "http://127.0.0.1:0"]</c>.</param>
    /// <param name="configure">Runs after configuration binding, e.g. <c>o =&gt; o.Keys.Add("sk-test")</c>.</param>
    public static WebApplication Create(string[] args, Action<FakeProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        var builder = WebApplication.CreateBuilder(args);

        // Configured by command line and environment only. Hosted in-process by another suite, the
        // fake must not pick up that suite's appsettings*.json (its Urls or Kestrel endpoints would
        // make both apps fight over one port).
        foreach (var source in builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(source);
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // ASP.NET's own request logging prints query strings; ours prints method, path and status only.
        // "Microsoft.Hosting.Lifetime" (the "Now listening on:" line harnesses parse) is unaffected.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddOptions<FakeProviderOptions>()
            .BindConfiguration(FakeProviderOptions.SectionName)
            .Configure<IConfiguration>(MergeKeysVariable)
            .Validate(o => o.Keys.All(k => !string.IsNullOrWhiteSpace(k) && k.Trim() == k),
                "FakeProvider:Keys contains an empty key or one with surrounding whitespace; remove it or fix its value.")
            .ValidateOnStart();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton<GateRegistry>();
        builder.Services.AddSingleton<FakeChat>();
        builder.Services.AddSingleton<LagoEventStore>();

        var app = builder.Build();

        // Order matters: record what arrived as it arrived, then resolve a mount prefix,
        // then check the key (401 beats everything, including 404 and the fake-* switches).
        app.UseMiddleware<RequestRecordingMiddleware>();
        app.UseMiddleware<PathPrefixFallbackMiddleware>();
        app.UseMiddleware<ProviderKeyCheckMiddleware>();
        app.UseRouting();

        app.MapControlApi();
        app.MapLago();
        app.MapModels();
        app.MapOpenAiChat();
        app.MapCompat();
        app.MapAnthropicMessages();
        app.MapKeyTests();
        app.MapFallback(ProviderErrors.NotFound);

        if (app.Services.GetRequiredService<KeyStore>().IsEmpty)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FakeProviderApp)).NoKeysConfigured();
        }

        return app;
    }

    private static void MergeKeysVariable(FakeProviderOptions options, IConfiguration configuration)
    {
        var keys = configuration[FakeProviderOptions.KeysVariable];
        if (string.IsNullOrEmpty(keys))
        {
            return;
        }

        foreach (var key in keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.Keys.Add(key);
        }
    }
}
