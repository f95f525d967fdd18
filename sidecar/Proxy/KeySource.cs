namespace ByokGateway.Proxy;

/// <summary>Whose key a proxied call used; sent back as <c>X-Byok-Key-Source</c>.</summary>
public enum KeySource
{
    /// <summary>The user's own stored key.</summary>
    Byok,

    /// <summary>The operator's fallback key for the provider.</summary>
    System,
}
