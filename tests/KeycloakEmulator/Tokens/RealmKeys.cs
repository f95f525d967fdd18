using System.Security.Cryptography;

namespace KeycloakEmulator.Tokens;

/// <summary>
/// A realm's keys, generated at startup like Keycloak's rsa-generated and hmac-generated providers. The RSA keys
/// can be rotated (a test control): the new key becomes the active one that signs, the previous ones stay
/// passive (published in the JWKS and accepted when verifying) unless the rotation removes them, as an admin
/// adding a key provider with a higher priority and then deleting the old one would.
/// </summary>
internal sealed class RealmKeys : IDisposable
{
    private readonly Lock _rotation = new();
    private readonly List<RsaSigningKey> _created = [];
    private volatile RsaKeySet _rsa;

    public RealmKeys()
    {
        var first = new RsaSigningKey();
        _created.Add(first);
        _rsa = new RsaKeySet(first, [first]);
        HmacKey = RandomNumberGenerator.GetBytes(64);
        HmacKid = Guid.NewGuid().ToString();
    }

    /// <summary>The key that signs new tokens.</summary>
    public RsaSigningKey Active => _rsa.Active;

    /// <summary>Every RSA key in the JWKS, the active one first.</summary>
    public IReadOnlyList<RsaSigningKey> Published => _rsa.Published;

    public byte[] HmacKey { get; }

    public string HmacKid { get; }

    /// <summary>The published key with this <c>kid</c>, or null (also for a removed key).</summary>
    public RsaSigningKey? Find(string? kid) => _rsa.Published.FirstOrDefault(k => k.Kid == kid);

    /// <summary>Makes a new active RSA key; the old active key stays passive, or is removed when <paramref name="removeOld"/>.</summary>
    public (RsaSigningKey Added, IReadOnlyList<RsaSigningKey> Removed) Rotate(bool removeOld)
    {
        lock (_rotation)
        {
            var added = new RsaSigningKey();
            // Removed keys are not disposed: a request may still be signing or verifying with one.
            _created.Add(added);
            var current = _rsa;
            IReadOnlyList<RsaSigningKey> removed = removeOld ? current.Published : [];
            _rsa = new RsaKeySet(added, removeOld ? [added] : [added, .. current.Published]);
            return (added, removed);
        }
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    public void Dispose()
    {
        lock (_rotation)
        {
            foreach (var key in _created)
            {
                key.Dispose();
            }
        }
    }

    private sealed record RsaKeySet(RsaSigningKey Active, IReadOnlyList<RsaSigningKey> Published);
}
