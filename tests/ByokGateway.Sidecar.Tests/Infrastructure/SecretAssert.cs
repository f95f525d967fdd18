namespace ByokGateway.Tests.Infrastructure;

/// <summary>Assertions about secrets that never print the secret into test output on failure.</summary>
public static class SecretAssert
{
    public static void Absent(string haystack, string secret, string what, string where) =>
        Assert.True(!haystack.Contains(secret, StringComparison.Ordinal), $"{where} contains {what}.");
}
