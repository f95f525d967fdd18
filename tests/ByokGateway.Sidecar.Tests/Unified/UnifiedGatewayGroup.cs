namespace ByokGateway.Tests.Unified;

/// <summary>The test classes that share one <see cref="UnifiedGateway"/> (and therefore run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class UnifiedGatewayGroup : ICollectionFixture<UnifiedGateway>
{
    public const string Name = "unified endpoint";
}
