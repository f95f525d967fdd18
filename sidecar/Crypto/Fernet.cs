using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ByokGateway.Crypto;

/// <summary>
/// One Fernet key: the token format of Python <c>cryptography.fernet</c>, byte for byte
/// (version 0x80 | 64-bit big-endian timestamp | 128-bit IV | AES-128-CBC/PKCS7 | HMAC-SHA256).
/// </summary>
public sealed class Fernet : IDisposable
{
    private const byte Version = 0x80;
    private const int HeaderLength = 1 + 8 + 16;
    private const int MacLength = 32;
    private const int BlockLength = 16;

    // The smallest valid token holds one padding block.
    private const int MinTokenLength = HeaderLength + BlockLength + MacLength;

    private readonly byte[] _signingKey;
    private readonly Aes _aes;

    public Fernet(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A Fernet key is 32 bytes.", nameof(key));
        }

        _signingKey = key[..16].ToArray();
        _aes = Aes.Create();
        _aes.Key = key[16..].ToArray();
    }

    /// <summary>Parses a url-safe base64 key as Python's <c>Fernet(key)</c> accepts it.</summary>
    public static Fernet FromBase64Key(string key)
    {
        var bytes = FernetBase64.Decode(key.Trim())
            ?? throw new FormatException("A Fernet key is 32 bytes in url-safe base64 (44 characters, ending in '=').");
        if (bytes.Length != 32)
        {
            throw new FormatException($"A Fernet key is 32 bytes in url-safe base64; this one decodes to {bytes.Length} bytes.");
        }

        return new Fernet(bytes);
    }

    /// <summary>A new random key in the url-safe base64 form Python's <c>Fernet.generate_key()</c> prints.</summary>
    public static string GenerateKey() => FernetBase64.Encode(RandomNumberGenerator.GetBytes(32));

    public string Encrypt(ReadOnlySpan<byte> plaintext, DateTimeOffset now) =>
        Encrypt(plaintext, now.ToUnixTimeSeconds(), RandomNumberGenerator.GetBytes(BlockLength));

    internal string Encrypt(ReadOnlySpan<byte> plaintext, long timestamp, ReadOnlySpan<byte> iv)
    {
        var cipherLength = _aes.GetCiphertextLengthCbc(plaintext.Length);
        var tokenLength = HeaderLength + cipherLength + MacLength;
        var rented = ArrayPool<byte>.Shared.Rent(tokenLength);
        try
        {
            var token = rented.AsSpan(0, tokenLength);
            token[0] = Version;
            BinaryPrimitives.WriteInt64BigEndian(token[1..9], timestamp);
            iv.CopyTo(token[9..HeaderLength]);
            _aes.EncryptCbc(plaintext, iv, token.Slice(HeaderLength, cipherLength));
            HMACSHA256.HashData(_signingKey, token[..^MacLength], token[^MacLength..]);
            return FernetBase64.Encode(token);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, tokenLength));
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decrypts a token; throws <see cref="InvalidFernetTokenException"/> on any defect.</summary>
    public byte[] Decrypt(string token)
    {
        if (!TryDecrypt(token, out var plaintext, out _))
        {
            throw new InvalidFernetTokenException();
        }

        return plaintext;
    }

    /// <summary>
    /// Verifies and decrypts. Returns false for a malformed token, a wrong version byte, a MAC that
    /// does not match this key, or bad padding. <paramref name="timestamp"/> is the token's own.
    /// </summary>
    public bool TryDecrypt(string token, out byte[] plaintext, out long timestamp)
    {
        plaintext = [];
        timestamp = 0;
        var maxLength = FernetBase64.MaxDecodedLength(token.Length);
        if (maxLength < MinTokenLength)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxLength);
        try
        {
            if (!FernetBase64.TryDecode(token, rented, out var length))
            {
                return false;
            }

            var data = rented.AsSpan(0, length);
            if (!TryVerify(data))
            {
                return false;
            }

            timestamp = BinaryPrimitives.ReadInt64BigEndian(data[1..9]);
            return TryDecryptVerified(data, out plaintext);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True when the token is well formed and its MAC was made with this key.</summary>
    public bool Verifies(string token)
    {
        var maxLength = FernetBase64.MaxDecodedLength(token.Length);
        if (maxLength < MinTokenLength)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxLength);
        try
        {
            return FernetBase64.TryDecode(token, rented, out var length) && TryVerify(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool TryVerify(ReadOnlySpan<byte> data)
    {
        if (data.Length < MinTokenLength || data[0] != Version || (data.Length - HeaderLength - MacLength) % BlockLength != 0)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(_signingKey, data[..^MacLength], mac);

        // Constant time, so the comparison leaks nothing about how much of a forged MAC was right.
        return CryptographicOperations.FixedTimeEquals(mac, data[^MacLength..]);
    }

    private bool TryDecryptVerified(ReadOnlySpan<byte> data, out byte[] plaintext)
    {
        var iv = data[9..HeaderLength];
        var ciphertext = data[HeaderLength..^MacLength];
        var buffer = ArrayPool<byte>.Shared.Rent(ciphertext.Length);
        try
        {
            if (!_aes.TryDecryptCbc(ciphertext, iv, buffer, out var written))
            {
                plaintext = [];
                return false;
            }

            plaintext = buffer.AsSpan(0, written).ToArray();
            return true;
        }
        catch (CryptographicException)
        {
            // Bad PKCS7 padding under a valid MAC: only possible for a token made with our key by
            // someone else's broken encoder; reject it like any other invalid token.
            plaintext = [];
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ciphertext.Length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_signingKey);
        _aes.Dispose();
    }
}
