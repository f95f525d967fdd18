using KeycloakEmulator.Hosting;
using KeycloakEmulator.Realm;

namespace KeycloakEmulator.Tests.Realm;

public sealed class PlaceholderResolverTests
{
    private static readonly Dictionary<string, string> Values = new() { ["SECRET"] = "s3" };

    private static readonly PlaceholderResolver Resolver = new(name => Values.GetValueOrDefault(name));

    [Fact]
    public void Resolve_KnownVariable_IsReplaced() => Assert.Equal("{\"secret\":\"s3\"}", Resolver.Resolve("{\"secret\":\"${SECRET}\"}", "f"));

    [Fact]
    public void Resolve_UnsetVariableWithDefault_UsesDefault() => Assert.Equal("x-fallback", Resolver.Resolve("x-${NOT_SET:fallback}", "f"));

    [Fact]
    public void Resolve_KeycloakMessageKey_StaysLiteral() => Assert.Equal("${client_account} ${authBaseUrl}", Resolver.Resolve("${client_account} ${authBaseUrl}", "f"));

    [Fact]
    public void Resolve_UnsetVariableWithoutDefault_ThrowsNamingIt()
    {
        var error = Assert.Throws<EmulatorStartupException>(() => Resolver.Resolve("${NOT_SET}", "byok-realm.json"));
        Assert.Contains("NOT_SET", error.Message, StringComparison.Ordinal);
        Assert.Contains("byok-realm.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SidecarSecretVariableMissing_FailsAtStartupNamingIt()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("BYOK_SIDECAR_SECRET") is not null, "BYOK_SIDECAR_SECRET is set in this environment.");
        var error = Assert.Throws<EmulatorStartupException>(() => EmulatorApp.Create(["--urls", "http://127.0.0.1:0"]));
        Assert.Contains("BYOK_SIDECAR_SECRET", error.Message, StringComparison.Ordinal);
    }
}
