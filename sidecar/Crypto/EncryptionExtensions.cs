using Microsoft.Extensions.Options;

namespace ByokGateway.Crypto;

public static class EncryptionExtensions
{
    /// <summary>
    /// Registers the <see cref="KeyRing"/> built from <c>ENCRYPTION_KEY(S)</c>, validated at
    /// start-up so a missing or malformed key stops the process with instructions.
    /// </summary>
    public static TBuilder AddEncryption<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<EncryptionOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Key = configuration["ENCRYPTION_KEY"];
                options.Keys = configuration["ENCRYPTION_KEYS"];
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EncryptionOptions>, EncryptionOptionsValidator>();
        builder.Services.AddSingleton(services => CreateKeyRing(
            services.GetRequiredService<IOptions<EncryptionOptions>>().Value,
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    internal static KeyRing CreateKeyRing(EncryptionOptions options, TimeProvider time)
    {
        var (keys, error) = options.Resolve();
        if (error is not null)
        {
            throw new EncryptionKeyException(error);
        }

        var fernets = new List<Fernet>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                fernets.Add(Fernet.FromBase64Key(keys[i]));
            }
            catch (FormatException e)
            {
                var name = keys.Count == 1 && string.IsNullOrWhiteSpace(options.Keys) ? "ENCRYPTION_KEY" : $"Key {i + 1} of ENCRYPTION_KEYS";
                throw new EncryptionKeyException($"{name} is malformed: {e.Message} {EncryptionOptions.HowToGenerate}");
            }
        }

        return new KeyRing(fernets, time);
    }

    internal static string? Validate(EncryptionOptions options)
    {
        try
        {
            CreateKeyRing(options, TimeProvider.System).Dispose();
            return null;
        }
        catch (EncryptionKeyException e)
        {
            return e.Message;
        }
    }

    private sealed class EncryptionOptionsValidator : IValidateOptions<EncryptionOptions>
    {
        public ValidateOptionsResult Validate(string? name, EncryptionOptions options) =>
            EncryptionExtensions.Validate(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
