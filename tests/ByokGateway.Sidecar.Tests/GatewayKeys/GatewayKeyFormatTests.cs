using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using ByokGateway.GatewayKeys;

namespace ByokGateway.Tests.GatewayKeys;

public sealed class GatewayKeyFormatTests
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly Guid User = Guid.Parse("8c1f0d52-0b0b-4b0b-9b0b-000000000002");

    [Fact]
    public void Create_NewKey_HasThePrefixFixedLengthAndBase32Body()
    {
        var key = GatewayKeyFormat.Create(User);

        Assert.Matches("^bgk_[a-z2-7]{85}$", key.Token);
        Assert.Equal(GatewayKeyFormat.Length, key.Token.Length);
        Assert.Equal("bgk_****" + key.Token[^4..], key.Preview);
        Assert.Equal(32, key.SecretHash.Length);
    }

    [Fact]
    public void TryParse_CreatedKey_YieldsTheUserAndTheStoredHash()
    {
        var key = GatewayKeyFormat.Create(User);

        Assert.True(GatewayKeyFormat.TryParse(key.Token, out var userId, out var hash));

        Assert.Equal("8c1f0d52-0b0b-4b0b-9b0b-000000000002", userId);
        Assert.Equal(key.SecretHash, ((ReadOnlySpan<byte>)hash).ToArray());
    }

    [Fact]
    public void Create_ManyKeys_AllDiffer()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => GatewayKeyFormat.Create(User)).ToList();

        Assert.Equal(1000, keys.Select(k => k.Token).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1000, keys.Select(k => Convert.ToHexString(k.SecretHash)).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void TryParse_AnySingleCharacterChanged_IsRefused()
    {
        // CRC-32 catches every error confined to 32 bits, so every single typo in the body.
        var token = GatewayKeyFormat.Create(User).Token;
        for (var i = 0; i < token.Length; i++)
        {
            foreach (var c in Alphabet + "_0189A")
            {
                if (c == token[i])
                {
                    continue;
                }

                var typo = token[..i] + c + token[(i + 1)..];
                Assert.False(GatewayKeyFormat.TryParse(typo, out _, out _), $"a typo at position {i} was accepted");
            }
        }
    }

    [Fact]
    public void TryParse_TruncatedOrExtended_IsRefused()
    {
        var token = GatewayKeyFormat.Create(User).Token;

        for (var length = 0; length < token.Length; length++)
        {
            Assert.False(GatewayKeyFormat.TryParse(token[..length], out _, out _), $"a key cut to {length} characters was accepted");
        }

        Assert.False(GatewayKeyFormat.TryParse(token + "a", out _, out _));
        Assert.False(GatewayKeyFormat.TryParse(null, out _, out _));
    }

    [Fact]
    public void TryParse_OtherVersionWithAValidChecksum_IsRefused()
    {
        var payload = new byte[53];
        payload[0] = 2;
        RandomNumberGenerator.Fill(payload.AsSpan(1, 48));
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(49), Crc32.HashToUInt32(payload.AsSpan(0, 49)));

        Assert.False(GatewayKeyFormat.TryParse("bgk_" + Base32(payload), out _, out _));
        payload[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(49), Crc32.HashToUInt32(payload.AsSpan(0, 49)));
        Assert.True(GatewayKeyFormat.TryParse("bgk_" + Base32(payload), out _, out _)); // the same construction is otherwise valid
    }

    [Theory]
    [InlineData("8c1f0d52-0b0b-4b0b-9b0b-000000000002", true)]
    [InlineData("8C1F0D52-0B0B-4B0B-9B0B-000000000002", false)]
    [InlineData("8c1f0d520b0b4b0b9b0b000000000002", false)]
    [InlineData("f:2c5b1f0a-ldap:alice", false)]
    public void UserGuid_KeycloakIds_OnlyCanonicalUuids(string userId, bool accepted) =>
        Assert.Equal(accepted, GatewayKeyFormat.UserGuid(userId) is not null);

    private static string Base32(byte[] bytes)
    {
        var text = new System.Text.StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}
