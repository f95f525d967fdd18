using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Crypto;

public sealed class KeyRingTests
{
    private const string Secret = "sk-ant-api03-0123456789abcdefghijklmnopqrstuvwxyz";

    private static readonly string OldKey = Fernet.GenerateKey();
    private static readonly string NewKey = Fernet.GenerateKey();

    [Fact]
    public async Task Decrypt_TokenOfSecondKey_ReturnsPlaintextLikePythonMultiFernet()
    {
        using var ring = Ring(NewKey, OldKey);
        var legacy = await PythonFernet.EncryptAsync(OldKey, Secret);

        Assert.Equal(Secret, ring.Decrypt(legacy));
    }

    [Fact]
    public async Task Encrypt_Always_UsesFirstKey()
    {
        using var ring = Ring(NewKey, OldKey);

        var token = ring.Encrypt(Secret);

        Assert.Equal(Secret, await PythonFernet.DecryptAsync(NewKey, token));
        Assert.Equal("invalid", await PythonFernet.VerdictAsync(OldKey, token));
    }

    [Fact]
    public async Task Rotate_OldToken_ReEncryptsWithFirstKeyAndPythonReadsIt()
    {
        using var ring = Ring(NewKey, OldKey);
        var legacy = await PythonFernet.EncryptAsync(OldKey, Secret);

        var rotated = ring.Rotate(legacy);

        Assert.NotEqual(legacy, rotated);
        Assert.True(ring.IsCurrent(rotated));
        Assert.Equal(Secret, await PythonFernet.DecryptAsync(NewKey, rotated));
        Assert.Equal(Secret, await PythonFernet.MultiDecryptAsync($"{NewKey},{OldKey}", rotated));
    }

    [Fact]
    public void Rotate_TokenAlreadyOnFirstKey_ReturnsItUnchanged()
    {
        using var ring = Ring(NewKey, OldKey);
        var token = ring.Encrypt(Secret);

        Assert.Equal(token, ring.Rotate(token));
    }

    [Fact]
    public void Rotate_TokenOfUnknownKey_Throws()
    {
        using var ring = Ring(NewKey, OldKey);
        using var stranger = Ring(Fernet.GenerateKey());

        Assert.Throws<InvalidFernetTokenException>(() => ring.Rotate(stranger.Encrypt(Secret)));
    }

    private static KeyRing Ring(params string[] keys) =>
        EncryptionExtensions.CreateKeyRing(new EncryptionOptions { Keys = string.Join(',', keys) }, TimeProvider.System);
}
