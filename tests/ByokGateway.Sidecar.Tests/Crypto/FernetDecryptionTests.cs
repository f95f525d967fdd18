using System.Security.Cryptography;
using System.Text;
using ByokGateway.Crypto;

namespace ByokGateway.Tests.Crypto;

/// <summary>
/// Decryption with each thread's own HMAC and AES contexts: every plaintext length round-trips,
/// text comes back unchanged, and many threads decrypting at once each get their own plaintext.
/// </summary>
public sealed class FernetDecryptionTests
{
    [Fact]
    public void TryDecryptString_EveryLengthAcrossSeveralBlocks_RoundTrips()
    {
        using var fernet = Fernet.FromBase64Key(Fernet.GenerateKey());

        for (var length = 0; length <= 70; length++)
        {
            var text = new string('k', length);
            var token = fernet.Encrypt(Encoding.UTF8.GetBytes(text), DateTimeOffset.UtcNow);

            Assert.True(fernet.TryDecryptString(token, out var plaintext), $"length {length}");
            Assert.Equal(text, plaintext);
            Assert.Equal(text, Encoding.UTF8.GetString(fernet.Decrypt(token)));
        }
    }

    [Fact]
    public void TryDecryptString_NonAsciiText_ComesBackUnchanged()
    {
        using var fernet = Fernet.FromBase64Key(Fernet.GenerateKey());
        const string Text = "clé-✓-ключ-鍵";

        Assert.True(fernet.TryDecryptString(fernet.Encrypt(Encoding.UTF8.GetBytes(Text), DateTimeOffset.UtcNow), out var plaintext));

        Assert.Equal(Text, plaintext);
    }

    [Fact]
    public void TryDecryptString_OtherKeysToken_IsRefusedAndLeavesNoPlaintext()
    {
        using var fernet = Fernet.FromBase64Key(Fernet.GenerateKey());
        using var other = Fernet.FromBase64Key(Fernet.GenerateKey());

        Assert.False(fernet.TryDecryptString(other.Encrypt("sk-secret-0123456789"u8, DateTimeOffset.UtcNow), out var plaintext));

        Assert.Equal(string.Empty, plaintext);
    }

    [Fact]
    public async Task TryDecryptString_ManyThreadsAtOnce_EachGetsItsOwnPlaintext()
    {
        using var ring = new KeyRing([Fernet.FromBase64Key(Fernet.GenerateKey())], TimeProvider.System);
        var secrets = Enumerable.Range(0, 64).Select(i => $"sk-{i:D2}-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8 + i))).ToArray();
        var tokens = secrets.Select(ring.Encrypt).ToArray();
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 500; round++)
            {
                var i = (worker * 7 + round) % tokens.Length;
                if (!ring.TryDecrypt(tokens[i], out var plaintext) || plaintext != secrets[i])
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(0, failures);
    }
}
