using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace ByokGateway.GatewayKeys;

/// <summary>
/// The text of a gateway key (DESIGN.md §10): <c>bgk_</c> followed by 85 characters of lowercase
/// base32 (RFC 4648 alphabet <c>a-z2-7</c>) of 53 bytes:
/// <code>
///   1 byte   format version (1)
///  16 bytes  the Keycloak user id (the token's sub, a UUID), so the gateway finds the user without a search
///  32 bytes  random secret (256 bits); only its SHA-256 is stored
///   4 bytes  CRC-32 of the 49 bytes before it, so a mistyped or truncated key is refused without a Keycloak call
/// </code>
/// The fixed prefix lets secret scanners and the gateway tell a key from a JWT (<c>eyJ…</c>) at a glance;
/// base32 keeps it one "word" for double-click selection.
/// </summary>
public static class GatewayKeyFormat
{
    public const string Prefix = "bgk_";

    /// <summary>Characters of a key, prefix included.</summary>
    public const int Length = 89;

    private const byte Version = 1;
    private const int UserIdBytes = 16;
    private const int SecretBytes = 32;
    private const int ChecksumOffset = 1 + UserIdBytes + SecretBytes;
    private const int PayloadBytes = ChecksumOffset + 4;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private static readonly sbyte[] Decoding = BuildDecoding();

    /// <summary>True when <paramref name="token"/> claims to be a gateway key (it may still be malformed).</summary>
    public static bool HasPrefix(string? token) => token is not null && token.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The user id in canonical form (lowercase UUID), or null when Keycloak's id for the user is
    /// not a UUID (users of a federation that does not import them into Keycloak).
    /// </summary>
    public static Guid? UserGuid(string userId) =>
        Guid.TryParseExact(userId, "D", out var guid) && string.Equals(guid.ToString("D"), userId, StringComparison.Ordinal) ? guid : null;

    /// <summary>A new key for the user: its text (shown once), the hash to store and the preview to list.</summary>
    public static NewGatewayKey Create(Guid userId)
    {
        var payload = new byte[PayloadBytes];
        payload[0] = Version;
        userId.TryWriteBytes(payload.AsSpan(1, UserIdBytes), bigEndian: true, out _);
        var secret = payload.AsSpan(1 + UserIdBytes, SecretBytes);
        RandomNumberGenerator.Fill(secret);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(ChecksumOffset), Crc32.HashToUInt32(payload.AsSpan(0, ChecksumOffset)));

        var token = string.Create(Length, payload, static (chars, bytes) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            Encode(bytes, chars[Prefix.Length..]);
        });
        var hash = SHA256.HashData(secret);
        CryptographicOperations.ZeroMemory(payload);
        return new NewGatewayKey(token, hash, Preview(token));
    }

    /// <summary>What a list shows of a key: the prefix and its last 4 characters (checksum, not secret).</summary>
    public static string Preview(string token) => Prefix + "****" + token[^4..];

    /// <summary>
    /// Checks the form of a key without any I/O: prefix, length, alphabet, version and checksum.
    /// On success, returns the user id and the SHA-256 of the secret to compare with the stored one.
    /// </summary>
    public static bool TryParse(string? token, out string userId, out SecretHash secretHash)
    {
        userId = string.Empty;
        secretHash = default;
        if (token is not { Length: Length } || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> payload = stackalloc byte[PayloadBytes];
        if (!TryDecode(token.AsSpan(Prefix.Length), payload)
            || payload[0] != Version
            || BinaryPrimitives.ReadUInt32BigEndian(payload[ChecksumOffset..]) != Crc32.HashToUInt32(payload[..ChecksumOffset]))
        {
            return false;
        }

        userId = new Guid(payload.Slice(1, UserIdBytes), bigEndian: true).ToString("D");
        SHA256.HashData(payload.Slice(1 + UserIdBytes, SecretBytes), secretHash);
        CryptographicOperations.ZeroMemory(payload);
        return true;
    }

    private static void Encode(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[index++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            chars[index] = Alphabet[(buffer << (5 - bits)) & 31];
        }
    }

    private static bool TryDecode(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in chars)
        {
            var value = c < Decoding.Length ? Decoding[c] : -1;
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[index++] = (byte)(buffer >> bits);
            }
        }

        // 85 characters carry 425 bits for 424: the spare bit must be 0, so each key has one spelling.
        return index == bytes.Length && (buffer & ((1 << bits) - 1)) == 0;
    }

    private static sbyte[] BuildDecoding()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
