using System.Net;
using ByokGateway.Security;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// A DNS server under an attacker's control: <c>rebind.example.com</c> answers with a public
/// address until the test switches <see cref="Target"/> to an internal one; every other name is public.
/// </summary>
public sealed class RebindingDns : IDnsResolver
{
    public const string Host = "rebind.example.com";

    public static readonly IPAddress PublicAddress = IPAddress.Parse("93.184.215.14");

    public IPAddress Target { get; set; } = PublicAddress;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Task.FromResult(new[] { host == Host ? Target : PublicAddress });
}
