using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ByokGateway.Security;

/// <summary>
/// Keeps user-supplied URLs (custom endpoints, their key tests) away from the gateway's own
/// network: https only, no user-info, and no loopback, private, link-local (cloud metadata),
/// CGNAT, multicast, reserved or unspecified destinations. The address check runs again when the
/// connection is made, on the address actually dialled, so DNS rebinding cannot slip past the
/// check done when the endpoint was stored.
/// </summary>
public sealed class OutboundGuard(IOptionsMonitor<OutboundGuardOptions> options, IDnsResolver dns)
{
    private OutboundGuardOptions Settings => options.CurrentValue;

    /// <summary>Why <paramref name="value"/> is not an acceptable endpoint, or null when it is.</summary>
    public async Task<string?> ValidateEndpointAsync(string value, CancellationToken cancellationToken)
    {
        if (value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return "The endpoint must be an absolute URL such as https://llm.example.com/v1.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(Settings.AllowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "The endpoint must use https.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "The endpoint must not contain a user name or password; the key is sent in a header.";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "The endpoint must be a base URL without query string or fragment.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"The endpoint's host '{uri.Host}' could not be resolved.";
        }

        return addresses.Length > 0 && addresses.All(IsAllowed)
            ? null
            : $"The endpoint's host '{uri.Host}' resolves to a loopback, private or otherwise internal address, which is not allowed.";
    }

    public bool IsAllowed(IPAddress address) => Settings.AllowPrivateNetworks || IsPublic(address);

    /// <summary>
    /// A handler for user-supplied URLs: connects only to allowed addresses, follows no
    /// redirects (a redirect could point anywhere), and uses no proxy or cookies.
    /// </summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        Protect(handler);
        return handler;
    }

    /// <summary>Applies the guard to a handler someone else creates (YARP's cluster clients).</summary>
    public void Protect(SocketsHttpHandler handler)
    {
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.UseProxy = false;
        handler.ConnectCallback = ConnectAsync;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new OutboundGuardException($"Connection to '{host}' refused: it resolves only to addresses that user endpoints may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Dial the vetted addresses themselves, never the name: resolving again here would
            // reopen the rebinding window.
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await dns.ResolveAsync(host, cancellationToken);

    /// <summary>True for globally routable unicast addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0                                   // 0.0.0.0/8 unspecified / "this network"
                || b[0] == 10                                    // 10.0.0.0/8 private
                || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64.0.0/10 CGNAT
                || b[0] == 127                                   // loopback
                || (b[0] == 169 && b[1] == 254)                  // link-local, incl. 169.254.169.254 metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)          // 172.16.0.0/12 private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0.0/24 IETF protocol assignments
                || (b[0] == 192 && b[1] == 0 && b[2] == 2)       // TEST-NET-1
                || (b[0] == 192 && b[1] == 168)                  // 192.168.0.0/16 private
                || (b[0] == 198 && (b[1] & 0xFE) == 18)          // 198.18.0.0/15 benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)    // TEST-NET-2
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)     // TEST-NET-3
                || b[0] >= 224);                                 // multicast, reserved, broadcast
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            {
                return false;
            }

            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);

            // IPv4-compatible/NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed IPv4 addresses that may be internal.
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
            {
                return IsPublic(new IPAddress(b[12..]));
            }

            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPublic(new IPAddress(b.Slice(2, 4)));
            }

            // Only global unicast (2000::/3) is public; documentation prefix 2001:db8::/32 is not.
            return (b[0] & 0xE0) == 0x20 && !(b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
        }

        return false;
    }
}
