using BenchmarkDotNet.Attributes;
using ByokGateway.Crypto;

namespace ByokGateway.Benchmarks.Crypto;

/// <summary>Fernet decryption of a typical provider key: 51 characters, like an OpenAI project key.</summary>
[MemoryDiagnoser]
public class FernetDecryptBenchmarks
{
    public const string TypicalKey = "sk-bench-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

    private KeyRing _keys = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = new KeyRing([Fernet.FromBase64Key(Fernet.GenerateKey())], TimeProvider.System);
        _token = _keys.Encrypt(TypicalKey);
        if (_keys.Decrypt(_token) != TypicalKey)
        {
            throw new InvalidOperationException("Round trip failed.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _keys.Dispose();

    [Benchmark]
    public string Decrypt() => _keys.TryDecrypt(_token, out var key) ? key : throw new InvalidOperationException();
}
