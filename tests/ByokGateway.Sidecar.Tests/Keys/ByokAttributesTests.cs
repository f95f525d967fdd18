using System.Text.Json.Nodes;
using ByokGateway.Keys;

namespace ByokGateway.Tests.Keys;

public sealed class ByokAttributesTests
{
    [Fact]
    public void ToRecord_UserWrittenByPythonService_ReadsEveryField()
    {
        // As the Python service stored it: dates without zone (UTC), arrays of strings.
        var user = JsonNode.Parse("""
            {
              "id": "u1",
              "username": "legacy",
              "attributes": {
                "subscription_tier": ["professional"],
                "byok_openai_key": ["gAAAAABlegacy-openai"],
                "byok_openai_label": ["Work key"],
                "byok_openai_added_date": ["2025-10-10T22:00:00.000000"],
                "byok_openai_last_tested": ["2025-10-11T08:30:15.123456"],
                "byok_openai_test_status": ["valid"],
                "byok_custom_key": ["gAAAAABlegacy-custom"],
                "byok_custom_endpoint": ["https://llm.example.com/v1"],
                "byok_custom_added_date": ["2025-10-12T01:02:03Z"],
                "unrelated": ["kept"]
              }
            }
            """)!.AsObject();

        var record = ByokAttributes.ToRecord("u1", user);

        Assert.Equal("professional", record.Tier);
        var openai = record.Find("openai")!;
        Assert.Equal("gAAAAABlegacy-openai", openai.Ciphertext);
        Assert.Equal("Work key", openai.Label);
        Assert.Equal(new DateTimeOffset(2025, 10, 10, 22, 0, 0, TimeSpan.Zero), openai.AddedDate);
        Assert.Equal(TimeSpan.Zero, openai.AddedDate!.Value.Offset);
        Assert.Equal("valid", openai.TestStatus);
        Assert.NotNull(openai.LastTested);
        var custom = record.Find("custom")!;
        Assert.Equal("https://llm.example.com/v1", custom.Endpoint);
        Assert.Equal(new DateTimeOffset(2025, 10, 12, 1, 2, 3, TimeSpan.Zero), custom.AddedDate);
        Assert.Equal(2, record.Keys.Count);
    }

    [Theory]
    [InlineData(null, "free")]
    [InlineData("gold", "free")]
    [InlineData("Enterprise", "enterprise")]
    public void ToRecord_TierMissingOrUnknown_CountsAsLowest(string? tier, string expected)
    {
        var user = new JsonObject { ["attributes"] = tier is null ? new JsonObject() : new JsonObject { ["subscription_tier"] = new JsonArray(tier) } };

        Assert.Equal(expected, ByokAttributes.ToRecord("u", user).Tier);
    }

    [Fact]
    public void FormatDate_Always_WritesUtcWithZ() =>
        Assert.Equal("2026-01-02T03:04:05.678000Z", ByokAttributes.FormatDate(new DateTimeOffset(2026, 1, 2, 4, 4, 5, 678, TimeSpan.FromHours(1))));

    [Theory]
    [InlineData("byok_openai_key", "openai")]
    [InlineData("byok_together_key", "together")]
    [InlineData("byok_openai_label", null)]
    [InlineData("byok__key", null)]
    [InlineData("byok_a_b_key", null)]
    [InlineData("other_key", null)]
    public void ProviderOfKeyAttribute_Name_ExtractsProvider(string attribute, string? expected) =>
        Assert.Equal(expected, ByokAttributes.ProviderOfKeyAttribute(attribute));
}
