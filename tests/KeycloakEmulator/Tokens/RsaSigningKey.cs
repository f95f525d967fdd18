using System.Security.Cryptography;

namespace KeycloakEmulator.Tokens;

/// <summary>One RSA key of a realm, as Keycloak's <c>rsa-generated</c> key provider (a realm component) holds it.</summary>
internal sealed class RsaSigningKey : IDisposable
{
    public RsaSigningKey()
    {
        Rsa = RSA.Create(2048);
        var parameters = Rsa.ExportParameters(false);
        // Keycloak's kid for RSA keys: the SHA-256 thumbprint of modulus and exponent (KeyUtils.createKeyId).
        Kid = RealmKeys.Base64Url(SHA256.HashData([.. parameters.Modulus!, .. parameters.Exponent!]));
        ComponentId = Guid.NewGuid().ToString();
    }

    public RSA Rsa { get; }

    public string Kid { get; }

    /// <summary>Id of the key provider component that holds this key (what an admin event's <c>components/{id}</c> names).</summary>
    public string ComponentId { get; }

    public void Dispose() => Rsa.Dispose();
}
