using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ByokGateway.Crypto;
using ByokGateway.Tests.Infrastructure;

namespace ByokGateway.Tests.Crypto;

public sealed class FernetTests
{
    private const string Secret = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";

    private static readonly string KeyA = Fernet.GenerateKey();
    private static readonly string KeyB = Fernet.GenerateKey();

    [Fact]
    public void GenerateKey_Always_Returns44CharacterUrlSafeBase64Of32Bytes()
    {
        var key = Fernet.GenerateKey();

        Assert.Equal(44, key.Length);
        Assert.EndsWith("=", key, StringComparison.Ordinal);
        Assert.DoesNotContain('+', key);
        Assert.DoesNotContain('/', key);
        Assert.Equal(32, Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/')).Length);
    }

    [Fact]
    public void Encrypt_ThenDecrypt_ReturnsPlaintextAndTokenStartsWithFernetPrefix()
    {
        using var fernet = Fernet.FromBase64Key(KeyA);

        var token = fernet.Encrypt(Encoding.UTF8.GetBytes(Secret), DateTimeOffset.UtcNow);

        Assert.StartsWith("gAAAAA", token, StringComparison.Ordinal);
        Assert.Equal(Secret, Encoding.UTF8.GetString(fernet.Decrypt(token)));
    }

    [Fact]
    public async Task Decrypt_TokenMadeByPython_ReturnsPlaintext()
    {
        var token = await PythonFernet.EncryptAsync(KeyA, Secret);
        using var fernet = Fernet.FromBase64Key(KeyA);

        Assert.Equal(Secret, Encoding.UTF8.GetString(fernet.Decrypt(token)));
    }

    [Fact]
    public async Task Encrypt_TokenDecryptedByPython_ReturnsPlaintext()
    {
        using var fernet = Fernet.FromBase64Key(KeyA);
        var token = fernet.Encrypt(Encoding.UTF8.GetBytes(Secret), DateTimeOffset.UtcNow);

        Assert.Equal(Secret, await PythonFernet.DecryptAsync(KeyA, token));
    }

    [Fact]
    public async Task Encrypt_EmptyAndBlockSizedPlaintexts_PythonDecryptsEach()
    {
        using var fernet = Fernet.FromBase64Key(KeyA);
        foreach (var plaintext in new[] { "x", new string('a', 15), new string('b', 16), new string('c', 17), new string('d', 1024) })
        {
            var token = fernet.Encrypt(Encoding.UTF8.GetBytes(plaintext), DateTimeOffset.UtcNow);
            Assert.Equal(plaintext, await PythonFernet.DecryptAsync(KeyA, token));
        }
    }

    [Fact]
    public void Decrypt_WrongKey_IsRejected()
    {
        using var a = Fernet.FromBase64Key(KeyA);
        using var b = Fernet.FromBase64Key(KeyB);
        var token = a.Encrypt(Encoding.UTF8.GetBytes(Secret), DateTimeOffset.UtcNow);

        Assert.False(b.TryDecrypt(token, out _, out _));
        Assert.Throws<InvalidFernetTokenException>(() => b.Decrypt(token));
    }

    public static TheoryData<string> Defects => ["tampered-mac", "tampered-ciphertext", "truncated", "bad-base64-character", "missing-base64-padding", "wrong-version", "bad-pkcs7-padding", "empty"];

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task Decrypt_DefectiveToken_IsRejectedHereAndByPython(string defect)
    {
        using var fernet = Fernet.FromBase64Key(KeyA);
        var token = MakeDefective(defect, fernet.Encrypt(Encoding.UTF8.GetBytes(Secret), DateTimeOffset.UtcNow));

        Assert.False(fernet.TryDecrypt(token, out _, out _));

        // The reference implementation agrees, so the test is about Fernet, not about our reading of it.
        Assert.Equal("invalid", await PythonFernet.VerdictAsync(KeyA, token));
    }

    // Python's urlsafe_b64decode also accepts the standard alphabet and skips whitespace. Every
    // token either implementation writes is canonical url-safe base64, so refusing other spellings
    // loses no stored data and leaves one encoding per token.
    [Theory]
    [InlineData("standard-base64-alphabet")]
    [InlineData("whitespace-inside")]
    public void Decrypt_NonCanonicalBase64ThatPythonTolerates_IsRejected(string defect)
    {
        using var fernet = Fernet.FromBase64Key(KeyA);
        var token = MakeDefective(defect, fernet.Encrypt(Encoding.UTF8.GetBytes(Secret), DateTimeOffset.UtcNow));

        Assert.False(fernet.TryDecrypt(token, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all")]
    [InlineData("AAAA")]
    [InlineData("c2hvcnQ=")]
    public void FromBase64Key_MalformedKey_ThrowsFormatException(string key)
    {
        Assert.Throws<FormatException>(() => Fernet.FromBase64Key(key));
    }

    private static string MakeDefective(string defect, string token)
    {
        var data = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));
        return defect switch
        {
            "tampered-mac" => Encode(Flip(data, data.Length - 1)),
            "tampered-ciphertext" => Encode(Flip(data, 30)),
            "truncated" => Encode(data[..^8]),
            "bad-base64-character" => "!" + token[1..],
            "standard-base64-alphabet" => Encode(data).Replace('-', '+').Replace('_', '/') is var standard && standard != Encode(data)
                ? standard
                : "+" + token[1..],
            "missing-base64-padding" => Encode(data[..^1]).TrimEnd('='),
            "wrong-version" => Encode(Resign(WithByte(data, 0, 0x81))),
            "bad-pkcs7-padding" => Encode(BadPaddingToken()),
            "empty" => string.Empty,
            "whitespace-inside" => token[..20] + "\n" + token[20..],
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };
    }

    /// <summary>A token with a valid MAC whose plaintext ends in a zero byte: no valid PKCS7 padding.</summary>
    private static byte[] BadPaddingToken()
    {
        var (signing, encryption) = Split(KeyA);
        using var aes = Aes.Create();
        aes.Key = encryption;
        var iv = new byte[16];
        var block = aes.EncryptEcb(new byte[16], PaddingMode.None); // decrypts (CBC, zero IV) to 16 zero bytes
        var body = new byte[1 + 8 + 16 + 16];
        body[0] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(1, 8), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        iv.CopyTo(body, 9);
        block.CopyTo(body, 25);
        return [.. body, .. HMACSHA256.HashData(signing, body)];
    }

    private static byte[] Resign(byte[] data)
    {
        var (signing, _) = Split(KeyA);
        var body = data[..^32];
        return [.. body, .. HMACSHA256.HashData(signing, body)];
    }

    private static (byte[] Signing, byte[] Encryption) Split(string key)
    {
        var bytes = Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/'));
        return (bytes[..16], bytes[16..]);
    }

    private static byte[] Flip(byte[] data, int index) => WithByte(data, index, (byte)(data[index] ^ 0x01));

    private static byte[] WithByte(byte[] data, int index, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[index] = value;
        return copy;
    }

    private static string Encode(byte[] data) => Convert.ToBase64String(data).Replace('+', '-').Replace('/', '_');
}
