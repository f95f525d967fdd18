using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ByokGateway.Crypto;

/// <summary>
/// One Fernet key: the token format of Python <c>cryptography.fernet</c>, byte for byte
/// (version 0x80 | 64-bit big-endian timestamp | 128-bit IV | AES-128-CBC/PKCS7 | HMAC-SHA256).
/// </summary>
public sealed class Fernet : IDisposable
{
    private const byte Version = 0x80;
    private const int HeaderLength = 1 + 8 + 16;
    private const int IvOffset = 1 + 8;
    private const int MacLength = 32;
    private const int BlockLength = 16;

    // The smallest valid token holds one padding block.
    private const int MinTokenLength = HeaderLength + BlockLength + MacLength;

    private readonly byte[] _signingKey;
    private readonly byte[] _encryptionKey;
    private readonly Aes _aes;

    // Verifying and decrypting a stored key runs on every proxied call. With one-shot calls,
    // OpenSSL 3 spent more time looking up algorithms and building contexts than on the few
    // blocks of a provider key, so each thread keeps its own HMAC and AES contexts.
    private readonly ThreadLocal<DecryptionContexts> _contexts;

    public Fernet(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("A Fernet key is 32 bytes.", nameof(key));
        }

        _signingKey = key[..16].ToArray();
        _encryptionKey = key[16..].ToArray();
        _aes = Aes.Create();
        _aes.Key = _encryptionKey;
        _contexts = new ThreadLocal<DecryptionContexts>(() => new DecryptionContexts(_signingKey, _encryptionKey), trackAllValues: true);
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
            BinaryPrimitives.WriteInt64BigEndian(token[1..IvOffset], timestamp);
            iv.CopyTo(token[IvOffset..HeaderLength]);
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
        var ok = TryDecrypt(token, static span => span.ToArray(), out plaintext, out timestamp);
        plaintext ??= [];
        return ok;
    }

    /// <summary>
    /// Like <see cref="TryDecrypt(string, out byte[], out long)"/> for UTF-8 text: the plaintext
    /// goes from a buffer that is wiped afterwards straight into the string, with no byte[] copy.
    /// </summary>
    public bool TryDecryptString(string token, out string plaintext)
    {
        var ok = TryDecrypt(token, static span => Encoding.UTF8.GetString(span), out plaintext, out _);
        plaintext ??= string.Empty;
        return ok;
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

    private bool TryDecrypt<T>(string token, Func<ReadOnlySpan<byte>, T> read, out T plaintext, out long timestamp)
    {
        plaintext = default!;
        timestamp = 0;
        var maxLength = FernetBase64.MaxDecodedLength(token.Length);
        if (maxLength < MinTokenLength)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxLength);
        try
        {
            if (!FernetBase64.TryDecode(token, rented, out var length) || !TryVerify(rented.AsSpan(0, length)))
            {
                return false;
            }

            timestamp = BinaryPrimitives.ReadInt64BigEndian(rented.AsSpan(1, 8));
            return TryDecryptVerified(rented, length, read, out plaintext);
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
        var hmac = _contexts.Value!.Mac;
        hmac.AppendData(data[..^MacLength]);
        hmac.GetHashAndReset(mac);

        // Constant time, so the comparison leaks nothing about how much of a forged MAC was right.
        return CryptographicOperations.FixedTimeEquals(mac, data[^MacLength..]);
    }

    /// <summary>
    /// AES-128-CBC and PKCS7 of a token whose MAC was verified: every block through the thread's
    /// AES-ECB decryptor, then XORed with the ciphertext block before it (the IV for the first).
    /// </summary>
    private bool TryDecryptVerified<T>(byte[] token, int length, Func<ReadOnlySpan<byte>, T> read, out T plaintext)
    {
        plaintext = default!;
        var cipherLength = length - HeaderLength - MacLength;
        var buffer = ArrayPool<byte>.Shared.Rent(cipherLength);
        try
        {
            if (_contexts.Value!.Ecb.TransformBlock(token, HeaderLength, cipherLength, buffer, 0) != cipherLength)
            {
                return false;
            }

            var blocks = buffer.AsSpan(0, cipherLength);
            for (var offset = cipherLength - BlockLength; offset >= 0; offset -= BlockLength)
            {
                var previous = token.AsSpan(offset == 0 ? IvOffset : HeaderLength + offset - BlockLength, BlockLength);
                var block = blocks.Slice(offset, BlockLength);
                for (var i = 0; i < BlockLength; i++)
                {
                    block[i] ^= previous[i];
                }
            }

            // PKCS7: the last byte is the number of padding bytes (1-16), each of that value. Bad
            // padding under a valid MAC only comes from a broken encoder that had our key.
            var padding = blocks[^1];
            if (padding is 0 or > BlockLength || blocks[^padding..].IndexOfAnyExcept(padding) >= 0)
            {
                return false;
            }

            plaintext = read(blocks[..^padding]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, cipherLength));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        foreach (var contexts in _contexts.Values)
        {
            contexts.Dispose();
        }

        _contexts.Dispose();
        CryptographicOperations.ZeroMemory(_signingKey);
        CryptographicOperations.ZeroMemory(_encryptionKey);
        _aes.Dispose();
    }

    /// <summary>One thread's HMAC-SHA256 with the signing key and AES-ECB decryptor (no padding) with the encryption key.</summary>
    private sealed class DecryptionContexts : IDisposable
    {
        public DecryptionContexts(byte[] signingKey, byte[] encryptionKey)
        {
            Mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, signingKey);
            using var aes = Aes.Create();
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            Ecb = aes.CreateDecryptor(encryptionKey, null);
        }

        public IncrementalHash Mac { get; }

        public ICryptoTransform Ecb { get; }

        public void Dispose()
        {
            Mac.Dispose();
            Ecb.Dispose();
        }
    }
}
