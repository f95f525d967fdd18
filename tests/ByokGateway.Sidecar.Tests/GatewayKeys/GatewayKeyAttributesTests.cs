using System.Text.Json.Nodes;
using ByokGateway.Keys;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace ByokGateway.Tests.GatewayKeys;

/// <summary>How gateway keys sit in Keycloak's user attributes, next to the provider keys.</summary>
public sealed class GatewayKeyAttributesTests
{
    private static readonly StoredGatewayKey Sample = new(
        "0123456789abcdef",
        Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        "laptop \"CLI\" 💻",
        "bgk_****wxyz",
        new DateTimeOffset(2026, 11, 26, 9, 30, 15, 123, TimeSpan.Zero),
        new DateTimeOffset(2027, 2, 24, 9, 30, 15, 123, TimeSpan.Zero),
        new DateOnly(2026, 12, 1));

    [Fact]
    public void ToRecord_GatewayKeyAttributes_AreReadAsGatewayKeysNotProviderKeys()
    {
        var user = User(new JsonObject
        {
            ["byok_openai_key"] = new JsonArray("gAAAAABopenai"),
            ["byok_gk_0123456789abcdef"] = new JsonArray(ByokAttributes.FormatGatewayKey(Sample)),
        });

        var record = ByokAttributes.ToRecord("u1", user);

        Assert.Equal(["openai"], record.Keys.Keys);
        var key = Assert.Single(record.GatewayKeys);
        Assert.Equal(Sample.Id, key.Id);
        Assert.Equal(Sample.SecretHash, key.SecretHash);
        Assert.Equal(Sample.Name, key.Name);
        Assert.Equal(Sample.Preview, key.Preview);
        Assert.Equal(Sample.Created, key.Created);
        Assert.Equal(Sample.Expires, key.Expires);
        Assert.Equal(Sample.LastUsed, key.LastUsed);
    }

    [Theory]
    [InlineData("byok_gk_0123456789abcdef")]
    [InlineData("byok_gk_0123456789abcdef_key")]
    public void ProviderOfKeyAttribute_GatewayKeyNames_AreNoProviderKeys(string name) =>
        Assert.Null(ByokAttributes.ProviderOfKeyAttribute(name));

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"sha256":"00","name":"n","preview":"p","created":"2026-11-26T00:00:00Z","expires":"2027-01-01T00:00:00Z"}""")]
    [InlineData("""{"sha256":"zz00000000000000000000000000000000000000000000000000000000000000","name":"n","preview":"p","created":"2026-11-26T00:00:00Z","expires":"2027-01-01T00:00:00Z"}""")]
    [InlineData("""{"sha256":"0000000000000000000000000000000000000000000000000000000000000000","name":"n","preview":"p","created":"yesterday","expires":"2027-01-01T00:00:00Z"}""")]
    [InlineData("[1]")]
    public void ToRecord_GatewayKeyValueEditedByHand_IsIgnored(string value)
    {
        var record = ByokAttributes.ToRecord("u1", User(new JsonObject
        {
            ["byok_gk_0123456789abcdef"] = new JsonArray(value),
            ["byok_gk_NOT-AN-ID"] = new JsonArray(ByokAttributes.FormatGatewayKey(Sample)),
        }));

        Assert.Empty(record.GatewayKeys);
        Assert.Empty(record.Keys);
    }

    [Fact]
    public void FormatGatewayKey_LongestNameOfTheWorstCharacters_StaysFarBelowKeycloaksLimit()
    {
        var value = ByokAttributes.FormatGatewayKey(Sample with { Name = string.Concat(Enumerable.Repeat("\"", 100)) });
        var emoji = ByokAttributes.FormatGatewayKey(Sample with { Name = string.Concat(Enumerable.Repeat("💻", 50)) });

        Assert.InRange(value.Length, 1, 1024);
        Assert.InRange(emoji.Length, 1, 1024);
    }

    [Fact]
    public void Record_ThroughTheRedisSerializer_KeepsItsGatewayKeys()
    {
        // Replicas share records through Redis as JSON; a key lost there would be refused on the other replica.
        var record = new ByokRecord("u1", "starter", new Dictionary<string, StoredKey>()) { GatewayKeys = [Sample] };
        var serializer = new FusionCacheSystemTextJsonSerializer();

        var copy = serializer.Deserialize<ByokRecord>(serializer.Serialize(record))!;

        var key = Assert.Single(copy.GatewayKeys);
        Assert.Equal(Sample.SecretHash, key.SecretHash);
        Assert.Equal(Sample with { SecretHash = key.SecretHash }, key);
    }

    private static JsonObject User(JsonObject attributes) => new() { ["id"] = "u1", ["enabled"] = true, ["attributes"] = attributes };
}
