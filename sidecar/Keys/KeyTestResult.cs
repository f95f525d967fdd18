namespace ByokGateway.Keys;

/// <summary>Outcome of a key test: <c>valid</c> (2xx), <c>invalid</c> (401/403) or <c>error</c>.</summary>
public sealed record KeyTestResult(string Status, string Message, string Details)
{
    public const string Valid = "valid";
    public const string Invalid = "invalid";
    public const string Error = "error";
}
