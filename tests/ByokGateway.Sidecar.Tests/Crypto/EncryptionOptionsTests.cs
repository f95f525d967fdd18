using ByokGateway.Crypto;

namespace ByokGateway.Tests.Crypto;

public sealed class EncryptionOptionsTests
{
    [Fact]
    public void CreateKeyRing_NoKeyConfigured_FailsWithInstructionsToGenerateOne()
    {
        var error = Assert.Throws<EncryptionKeyException>(() => EncryptionExtensions.CreateKeyRing(new EncryptionOptions(), TimeProvider.System));

        Assert.Contains("ENCRYPTION_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("generate-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKeyRing_MalformedSingleKey_NamesTheVariable()
    {
        var error = Assert.Throws<EncryptionKeyException>(() =>
            EncryptionExtensions.CreateKeyRing(new EncryptionOptions { Key = "too-short" }, TimeProvider.System));

        Assert.StartsWith("ENCRYPTION_KEY is malformed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKeyRing_MalformedSecondOfSeveralKeys_NamesItsPosition()
    {
        var error = Assert.Throws<EncryptionKeyException>(() =>
            EncryptionExtensions.CreateKeyRing(new EncryptionOptions { Keys = Fernet.GenerateKey() + ",bad" }, TimeProvider.System));

        Assert.StartsWith("Key 2 of ENCRYPTION_KEYS is malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKeyRing_EmptyEntryInList_IsRefused()
    {
        var error = Assert.Throws<EncryptionKeyException>(() =>
            EncryptionExtensions.CreateKeyRing(new EncryptionOptions { Keys = Fernet.GenerateKey() + ",," }, TimeProvider.System));

        Assert.Contains("empty entry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKeyRing_BothVariablesDisagree_IsRefused()
    {
        var options = new EncryptionOptions { Key = Fernet.GenerateKey(), Keys = Fernet.GenerateKey() };

        var error = Assert.Throws<EncryptionKeyException>(() => EncryptionExtensions.CreateKeyRing(options, TimeProvider.System));

        Assert.Contains("not one of ENCRYPTION_KEYS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateKeyRing_BothVariablesAgree_UsesTheList()
    {
        var first = Fernet.GenerateKey();
        var second = Fernet.GenerateKey();

        using var ring = EncryptionExtensions.CreateKeyRing(new EncryptionOptions { Key = second, Keys = $"{first},{second}" }, TimeProvider.System);

        Assert.Equal(2, ring.Count);
    }
}
