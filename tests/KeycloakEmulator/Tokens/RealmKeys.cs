using System.Security.Cryptography;

namespace KeycloakEmulator.Tokens;

/// <summary>A realm's keys, generated at startup like Keycloak's rsa-generated and hmac-generated providers.</summary>
internal sealed class RealmKeys : IDisposable
{
    public RealmKeys()
    {
        Rsa = RSA.Create(2048);
        var parameters = Rsa.ExportParameters(false);
        RsaKid = Base64Url(SHA256.HashData([.. parameters.Modulus!, .. parameters.Exponent!]));
        HmacKey = RandomNumberGenerator.GetBytes(64);
        HmacKid = Guid.NewGuid().ToString();
    }

    public RSA Rsa { get; }

    public string RsaKid { get; }

    public byte[] HmacKey { get; }

    public string HmacKid { get; }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    public void Dispose() => Rsa.Dispose();
}
