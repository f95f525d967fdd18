using System.Text;

namespace ByokGateway.Crypto;

/// <summary>
/// The configured encryption keys with Python <c>MultiFernet</c> semantics: the first key
/// encrypts, every key decrypts, and <see cref="Rotate"/> moves a token to the first key.
/// </summary>
public sealed class KeyRing : IDisposable
{
    private readonly Fernet[] _keys;
    private readonly TimeProvider _time;

    public KeyRing(IEnumerable<Fernet> keys, TimeProvider time)
    {
        _keys = [.. keys];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one encryption key is required.", nameof(keys));
        }

        _time = time;
    }

    public int Count => _keys.Length;

    public string Encrypt(string plaintext) => _keys[0].Encrypt(Encoding.UTF8.GetBytes(plaintext), _time.GetUtcNow());

    public string Decrypt(string token) =>
        TryDecrypt(token, out var plaintext) ? plaintext : throw new InvalidFernetTokenException();

    public bool TryDecrypt(string token, out string plaintext)
    {
        foreach (var key in _keys)
        {
            if (key.TryDecryptString(token, out plaintext))
            {
                return true;
            }
        }

        plaintext = string.Empty;
        return false;
    }

    /// <summary>True when the token already belongs to the first (encrypting) key.</summary>
    public bool IsCurrent(string token) => _keys[0].Verifies(token);

    /// <summary>
    /// Re-encrypts a token with the first key, keeping its original timestamp as
    /// <c>MultiFernet.rotate</c> does. Tokens already on the first key come back unchanged,
    /// which is what makes the <c>rotate</c> command idempotent.
    /// </summary>
    public string Rotate(string token)
    {
        if (IsCurrent(token))
        {
            return token;
        }

        foreach (var key in _keys.AsSpan(1))
        {
            if (key.TryDecrypt(token, out var bytes, out var timestamp))
            {
                return _keys[0].Encrypt(bytes, timestamp, System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            }
        }

        throw new InvalidFernetTokenException();
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
